#include "core/store/sqlite/sqlite_event_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "core/store/sqlite/sqlite_handle.h"
#include "core/store/stream_directory.h"

namespace sagad {
namespace {

using sqlite::Exec;
using sqlite::Statement;

constexpr int kSchemaVersion = 1;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events(
  global_position INTEGER PRIMARY KEY,
  aggregate_type  TEXT NOT NULL,
  aggregate_id    TEXT NOT NULL,
  version         INTEGER NOT NULL,
  command_id      TEXT NOT NULL,
  correlation_id  TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  payload         TEXT NOT NULL,
  metadata        TEXT,
  ts              INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots(
  aggregate_type TEXT NOT NULL,
  aggregate_id   TEXT NOT NULL,
  version        INTEGER NOT NULL,
  state          TEXT NOT NULL,
  PRIMARY KEY(aggregate_type, aggregate_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints(
  consumer TEXT PRIMARY KEY,
  position INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS active_streams(
  aggregate_type TEXT NOT NULL,
  aggregate_id   TEXT NOT NULL,
  PRIMARY KEY(aggregate_type, aggregate_id)) WITHOUT ROWID;
)sql";

constexpr std::string_view kEventColumns =
    "global_position, aggregate_type, aggregate_id, version, command_id, correlation_id, "
    "event_type, payload, metadata, ts";

std::string SelectEvents(std::string_view where) {
  return "SELECT " + std::string(kEventColumns) + " FROM events " + std::string(where);
}

Result<Event> ReadEventRow(const Statement& row) {
  Event e;
  e.global_position = row.Int(0);
  e.stream.type = std::string(row.Text(1));
  e.stream.id = std::string(row.Text(2));
  e.version = row.Int(3);
  e.command_id = std::string(row.Text(4));
  e.correlation_id = std::string(row.Text(5));
  e.type = std::string(row.Text(6));
  Result<Json> payload = ParseStoredJson(row.Text(7));
  if (!payload.ok()) {
    return Status::Corruption("event at position " + std::to_string(e.global_position) +
                              " has an unreadable payload: " + payload.status().message());
  }
  e.payload = std::move(payload).value();
  if (!row.IsNull(8)) {
    Result<Json> metadata = ParseStoredJson(row.Text(8));
    if (!metadata.ok()) {
      return Status::Corruption("event at position " + std::to_string(e.global_position) +
                                " has unreadable metadata");
    }
    e.metadata = std::move(metadata).value();
  }
  e.timestamp_ms = row.Int(9);
  return e;
}

// Collects every row a stepped statement yields.
Result<std::vector<Event>> CollectEvents(Statement& stmt, std::size_t limit = SIZE_MAX) {
  std::vector<Event> out;
  while (out.size() < limit) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    Result<Event> e = ReadEventRow(stmt);
    if (!e.ok()) {
      stmt.Reset();
      return e.status();
    }
    out.push_back(std::move(e).value());
  }
  stmt.Reset();
  return out;
}

// Groups several reads into one read transaction; a no-op for nullptr.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db) {
    if (db_ && !Exec(db_, "BEGIN").ok()) db_ = nullptr;
  }
  ~ReadTransaction() {
    if (db_) (void)Exec(db_, "COMMIT");
  }

 private:
  sqlite3* db_;
};

// The statements every connection (writer or reader) uses to read.
struct Readers {
  Statement at_position;
  Statement from_position;
  Statement range;
  Statement snapshot;
  Statement checkpoint;
  Statement stream_scan;

  Status Prepare(sqlite3* db) {
    SAGAD_RETURN_IF_ERROR(at_position.Prepare(db, SelectEvents("WHERE global_position = ?1")));
    SAGAD_RETURN_IF_ERROR(
        from_position.Prepare(db, SelectEvents("WHERE global_position >= ?1 ORDER BY global_position")));
    SAGAD_RETURN_IF_ERROR(
        range.Prepare(db, SelectEvents("WHERE global_position > ?1 ORDER BY global_position LIMIT ?2")));
    SAGAD_RETURN_IF_ERROR(snapshot.Prepare(
        db, "SELECT version, state FROM snapshots WHERE aggregate_type = ?1 AND aggregate_id = ?2"));
    SAGAD_RETURN_IF_ERROR(checkpoint.Prepare(db, "SELECT position FROM checkpoints WHERE consumer = ?1"));
    return stream_scan.Prepare(db, SelectEvents("WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND "
                                                "version >= ?3 AND version <= ?4 ORDER BY global_position"));
  }

  Result<std::vector<Event>> EventsAt(const std::vector<std::int64_t>& positions) {
    std::vector<Event> out;
    out.reserve(positions.size());
    // One read transaction for all the lookups: in WAL mode each implicit
    // transaction takes and drops shared-memory locks (fcntl calls).
    ReadTransaction txn(positions.size() > 1 ? at_position.db() : nullptr);
    for (std::int64_t p : positions) {
      at_position.Bind(1, p);
      Result<std::vector<Event>> one = CollectEvents(at_position, 1);
      if (!one.ok()) return one.status();
      if (one->empty()) return Status::Corruption("the index points at missing position " + std::to_string(p));
      out.push_back(std::move(one->front()));
    }
    return out;
  }

  // Events of one command: contiguous from its first position.
  Result<std::vector<Event>> CommandEvents(std::int64_t first_position, const StreamId& stream,
                                           const std::string& command_id) {
    std::vector<Event> out;
    from_position.Bind(1, first_position);
    while (true) {
      Result<bool> row = from_position.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (from_position.Text(1) != stream.type || from_position.Text(2) != stream.id ||
          from_position.Text(4) != command_id) {
        from_position.Reset();
        break;
      }
      Result<Event> e = ReadEventRow(from_position);
      if (!e.ok()) {
        from_position.Reset();
        return e.status();
      }
      out.push_back(std::move(e).value());
    }
    return out;
  }

  Result<std::optional<Snapshot>> LoadSnapshot(const StreamId& stream) {
    snapshot.Bind(1, stream.type).Bind(2, stream.id);
    Result<bool> row = snapshot.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<Snapshot>();
    Snapshot s{stream, snapshot.Int(0), Json()};
    Result<Json> state = ParseStoredJson(snapshot.Text(1));
    snapshot.Reset();
    if (!state.ok()) return Status::Corruption("snapshot of " + stream.ToString() + " is unreadable");
    s.state = std::move(state).value();
    return std::optional<Snapshot>(std::move(s));
  }
};

class SqliteEventStore final : public EventStore {
 public:
  ~SqliteEventStore() override;
  Status Open(const std::string& path, const SqliteOptions& options);

  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override;
  Result<StoredStream> Load(const StreamId& stream) override;
  Result<std::vector<Event>> ReadStream(const StreamId& stream, std::int64_t from_version,
                                        std::int64_t to_version) override;
  Result<std::vector<Event>> ReadAll(std::int64_t after_position, std::size_t limit) override;
  Result<std::vector<Event>> FindByCommand(const StreamId& stream, const std::string& command_id) override;
  Status SaveSnapshot(const Snapshot& snapshot) override;
  Result<std::int64_t> LoadCheckpoint(const std::string& consumer) override;
  Status SaveCheckpoint(const std::string& consumer, std::int64_t position) override;
  std::int64_t LastPosition() const override;
  Result<std::vector<std::string>> ListStreams(const std::string& type) override;
  Result<std::vector<StreamId>> ListActive() override;

 private:
  struct ReadConnection {
    sqlite3* db = nullptr;
    Readers readers;
  };
  // A reader connection borrowed from the pool for the length of one call.
  class Lease {
   public:
    Lease(SqliteEventStore* store, std::unique_ptr<ReadConnection> c) : store_(store), c_(std::move(c)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) store_->ReturnReader(std::move(c_));
    }
    Readers* operator->() { return &c_->readers; }

   private:
    SqliteEventStore* store_;
    std::unique_ptr<ReadConnection> c_;
  };

  Status OpenConnection(sqlite3** db, bool read_only);
  Status CheckIsOurs();
  Status Replay();
  Status WriteBatch(const std::vector<AppendRequest>& batch, const std::vector<PlannedRequest>& plan);
  Result<Lease> BorrowReader();
  void ReturnReader(std::unique_ptr<ReadConnection> c);

  std::string path_;
  SqliteOptions options_;
  int lock_fd_ = -1;

  // The writer connection and everything that writes: one at a time.
  std::mutex write_mu_;
  sqlite3* writer_ = nullptr;
  Readers writer_readers_;
  Statement insert_event_;
  Statement upsert_snapshot_;
  Statement upsert_checkpoint_;
  Statement insert_active_;
  Statement delete_active_;

  // Guards directory_ and last_position_: shared for lookups, exclusive to
  // publish what a commit added.
  mutable std::shared_mutex directory_mu_;
  StreamDirectory directory_;
  std::int64_t last_position_ = 0;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<ReadConnection>> pool_;
};

SqliteEventStore::~SqliteEventStore() {
  for (auto& c : pool_) {
    c->readers = Readers();
    sqlite3_close_v2(c->db);
  }
  writer_readers_ = Readers();
  insert_event_ = Statement();
  upsert_snapshot_ = Statement();
  upsert_checkpoint_ = Statement();
  if (writer_) sqlite3_close_v2(writer_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

Status SqliteEventStore::OpenConnection(sqlite3** db, bool read_only) {
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path_.c_str(), db, flags, options_.vfs.empty() ? nullptr : options_.vfs.c_str());
  if (rc != SQLITE_OK) {
    Status s = sqlite::ToStatus(rc, *db, "opening " + path_);
    sqlite3_close_v2(*db);
    *db = nullptr;
    return s;
  }
  sqlite3_busy_timeout(*db, 5000);
  return Status::Ok();
}

Status SqliteEventStore::Open(const std::string& path, const SqliteOptions& options) {
  path_ = path;
  options_ = options;
  std::string lock_path = path + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    return Status::Unavailable("cannot create lock file " + lock_path + ": " + std::strerror(errno));
  }
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::Unavailable("store " + path + " is in use by another process (lock " + lock_path + ")");
  }
  SAGAD_RETURN_IF_ERROR(OpenConnection(&writer_, false));
  // Read before writing anything: the file must be empty or ours.
  SAGAD_RETURN_IF_ERROR(CheckIsOurs());

  Status s = Exec(writer_, "PRAGMA journal_mode=WAL");
  if (!s.ok()) return s.WithContext(path + " is not a usable sagad store");
  const char* sync = options.synchronous == SqliteSync::kFull     ? "FULL"
                     : options.synchronous == SqliteSync::kNormal ? "NORMAL"
                                                                  : "OFF";
  SAGAD_RETURN_IF_ERROR(Exec(writer_, std::string("PRAGMA synchronous=") + sync));
  SAGAD_RETURN_IF_ERROR(Exec(writer_, "PRAGMA cache_size=-" + std::to_string(options.cache_mib * 1024)));
  // Fewer, larger WAL checkpoints: they run on the writer's commit path.
  SAGAD_RETURN_IF_ERROR(Exec(writer_, "PRAGMA wal_autocheckpoint=8192"));

  SAGAD_RETURN_IF_ERROR(Exec(writer_, kSchema));
  SAGAD_RETURN_IF_ERROR(Exec(writer_, "PRAGMA user_version=" + std::to_string(kSchemaVersion)));

  SAGAD_RETURN_IF_ERROR(writer_readers_.Prepare(writer_));
  SAGAD_RETURN_IF_ERROR(insert_event_.Prepare(
      writer_, "INSERT INTO events(" + std::string(kEventColumns) + ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"));
  SAGAD_RETURN_IF_ERROR(upsert_snapshot_.Prepare(
      writer_, "INSERT OR REPLACE INTO snapshots(aggregate_type, aggregate_id, version, state) VALUES(?1,?2,?3,?4)"));
  SAGAD_RETURN_IF_ERROR(upsert_checkpoint_.Prepare(
      writer_, "INSERT OR REPLACE INTO checkpoints(consumer, position) VALUES(?1,?2)"));
  SAGAD_RETURN_IF_ERROR(insert_active_.Prepare(
      writer_, "INSERT OR IGNORE INTO active_streams(aggregate_type, aggregate_id) VALUES(?1,?2)"));
  SAGAD_RETURN_IF_ERROR(delete_active_.Prepare(
      writer_, "DELETE FROM active_streams WHERE aggregate_type = ?1 AND aggregate_id = ?2"));
  return Replay();
}

// A new store has user_version 0 and no tables; ours has kSchemaVersion.
// Anything else is another program's database or a newer sagad's: refuse it
// before changing a byte of it.
Status SqliteEventStore::CheckIsOurs() {
  auto not_ours = [&](const std::string& why) {
    return Status::Corruption(path_ + " is not a usable sagad store: " + why);
  };
  Statement version;
  Status s = version.Prepare(writer_, "PRAGMA user_version");
  if (!s.ok()) return not_ours(s.message());
  Result<bool> row = version.Step();
  if (!row.ok()) return not_ours(row.status().message());
  std::int64_t user_version = version.Int(0);
  version.Reset();
  if (user_version == kSchemaVersion) return Status::Ok();
  if (user_version != 0) {
    return not_ours("it has schema version " + std::to_string(user_version) + ", this sagad reads version " +
                    std::to_string(kSchemaVersion));
  }
  Statement tables;
  SAGAD_RETURN_IF_ERROR(tables.Prepare(writer_, "SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 1"));
  row = tables.Step();
  if (!row.ok()) return not_ours(row.status().message());
  if (*row) {
    std::string table(tables.Text(0));
    tables.Reset();
    return not_ours("it is another application's SQLite database (it has a table '" + table + "')");
  }
  return Status::Ok();
}

// One sequential pass over the log rebuilds the directory and checks it.
Status SqliteEventStore::Replay() {
  Statement scan;
  SAGAD_RETURN_IF_ERROR(scan.Prepare(
      writer_, "SELECT global_position, aggregate_type, aggregate_id, version, command_id FROM events "
               "ORDER BY global_position"));
  {
    Statement last;
    SAGAD_RETURN_IF_ERROR(last.Prepare(writer_, "SELECT max(global_position) FROM events"));
    Result<bool> row = last.Step();
    if (!row.ok()) return row.status().WithContext("reading " + path_);
    // Only a sizing hint: in a sound log the last position is the number of
    // events, but a damaged one may hold anything there (negative, 2^62), and
    // reserving that throws or takes all memory before the replay can say
    // what is wrong. Past the cap the table grows as the replay goes.
    constexpr std::int64_t kMaxReserve = std::int64_t{1} << 24;
    directory_.Reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(last.Int(0), 0, kMaxReserve)));
    last.Reset();
  }
  std::int64_t count = 0;
  StreamId stream;
  std::string command_id;
  while (true) {
    Result<bool> row = scan.Step();
    if (!row.ok()) return row.status().WithContext("replaying " + path_);
    if (!*row) break;
    std::int64_t position = scan.Int(0);
    stream.type.assign(scan.Text(1));
    stream.id.assign(scan.Text(2));
    command_id.assign(scan.Text(4));
    const StreamDirectory::StreamInfo* info = directory_.Find(stream);
    // A command's events were written next to each other: the same command
    // id after another stream's event is a second application of it.
    bool new_command = !info || info->last_command_id != command_id || info->positions.empty() ||
                       info->positions.back() + 1 != position;
    if (new_command) {
      std::optional<std::int64_t> taken = directory_.AddCommandUnlessTaken(stream, command_id, position);
      if (taken) {
        // Same fingerprint seen before: a command applied twice, or a
        // harmless hash collision. Read the earlier event to tell.
        Result<std::vector<Event>> earlier = writer_readers_.CommandEvents(*taken, stream, command_id);
        if (!earlier.ok()) return earlier.status();
        if (!earlier->empty()) {
          return Status::Corruption("command " + command_id + " appears twice in stream " + stream.ToString() +
                                    " (positions " + std::to_string(*taken) + " and " +
                                    std::to_string(position) + ")");
        }
        directory_.AddCommand(stream, command_id, position, /*exact=*/true);
      }
    }
    SAGAD_RETURN_IF_ERROR(directory_.AddEvent(stream, scan.Int(3), position, command_id));
    last_position_ = position;
    if (options_.progress_every > 0 && ++count % options_.progress_every == 0) {
      spdlog::info("opening {}: {} events replayed", path_, count);
    }
  }
  Statement snapshots;
  SAGAD_RETURN_IF_ERROR(snapshots.Prepare(writer_, "SELECT aggregate_type, aggregate_id, version FROM snapshots"));
  while (true) {
    Result<bool> row = snapshots.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SAGAD_RETURN_IF_ERROR(directory_.SetSnapshotVersion(
        StreamId{std::string(snapshots.Text(0)), std::string(snapshots.Text(1))}, snapshots.Int(2)));
  }
  Statement active;
  SAGAD_RETURN_IF_ERROR(active.Prepare(writer_, "SELECT aggregate_type, aggregate_id FROM active_streams"));
  while (true) {
    Result<bool> row = active.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StreamId stream{std::string(active.Text(0)), std::string(active.Text(1))};
    if (!directory_.Find(stream)) {
      return Status::Corruption(path_ + ": active stream " + stream.ToString() + " has no events");
    }
    directory_.SetActive(stream, true);
  }
  spdlog::debug("opened {}: {} events, {} streams", path_, last_position_, directory_.stream_count());
  return Status::Ok();
}

Status SqliteEventStore::WriteBatch(const std::vector<AppendRequest>& batch,
                                    const std::vector<PlannedRequest>& plan) {
  SAGAD_RETURN_IF_ERROR(Exec(writer_, "BEGIN"));
  auto fail = [&](Status s) {
    (void)Exec(writer_, "ROLLBACK");
    return s.WithContext("appending to " + path_);
  };
  std::string payload;
  std::string metadata;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = plan[i];
    if (p.outcome != AppendOutcome::kAppended) continue;
    const AppendRequest& r = batch[i];
    if (!r.metadata.is_null()) metadata = DumpJson(r.metadata);
    for (std::size_t k = 0; k < r.events.size(); ++k) {
      auto offset = static_cast<std::int64_t>(k);
      payload = DumpJson(r.events[k].payload);
      insert_event_.Bind(1, p.first_position + offset)
          .Bind(2, r.stream.type)
          .Bind(3, r.stream.id)
          .Bind(4, p.first_version + offset)
          .Bind(5, r.command_id)
          .Bind(6, r.correlation_id)
          .Bind(7, r.events[k].type)
          .Bind(8, payload)
          .Bind(10, r.timestamp_ms);
      if (!r.metadata.is_null()) insert_event_.Bind(9, metadata);
      Status s = insert_event_.Run();
      if (!s.ok()) return fail(s);
    }
    if (r.snapshot) {
      upsert_snapshot_.Bind(1, r.stream.type)
          .Bind(2, r.stream.id)
          .Bind(3, p.first_version + static_cast<std::int64_t>(r.events.size()) - 1)
          .Bind(4, DumpJson(*r.snapshot));
      Status s = upsert_snapshot_.Run();
      if (!s.ok()) return fail(s);
    }
    if (r.active) {
      Statement& change = *r.active ? insert_active_ : delete_active_;
      Status s = change.Bind(1, r.stream.type).Bind(2, r.stream.id).Run();
      if (!s.ok()) return fail(s);
    }
  }
  Status s = Exec(writer_, "COMMIT");
  if (!s.ok()) return fail(s);
  return Status::Ok();
}

Result<std::vector<AppendResult>> SqliteEventStore::Append(const std::vector<AppendRequest>& batch) {
  std::lock_guard write_lock(write_mu_);
  Result<std::vector<PlannedRequest>> plan = [&] {
    std::shared_lock lookup(directory_mu_);
    auto command_at = [&](std::int64_t position, const StreamId& stream) -> Result<std::string> {
      Result<std::vector<Event>> one = writer_readers_.EventsAt({position});
      if (!one.ok()) return one.status();
      return one->front().stream == stream ? one->front().command_id : std::string();
    };
    return PlanAppend(directory_, batch, last_position_, command_at);
  }();
  if (!plan.ok()) return plan.status();

  // Everything that can fail without writing comes first: the originals of
  // duplicates are read before the batch is written, so a failed Append has
  // written nothing.
  std::vector<AppendResult> results(batch.size());
  bool writes = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = (*plan)[i];
    results[i].outcome = p.outcome;
    results[i].current_version = p.current_version;
    if (p.outcome == AppendOutcome::kAppended) {
      results[i].events = EventsOf(batch[i], p);
      writes = true;
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = (*plan)[i];
    if (p.outcome != AppendOutcome::kDuplicate) continue;
    if (p.duplicate_of_request >= 0) {
      results[i].events = results[static_cast<std::size_t>(p.duplicate_of_request)].events;
    } else {
      Result<std::vector<Event>> original =
          writer_readers_.CommandEvents(p.duplicate_of_position, batch[i].stream, batch[i].command_id);
      if (!original.ok()) return original.status();
      results[i].events = std::move(original).value();
    }
  }
  if (writes) SAGAD_RETURN_IF_ERROR(WriteBatch(batch, *plan));
  if (writes) {
    std::unique_lock publish(directory_mu_);
    Status applied = ApplyPlan(directory_, batch, *plan);
    if (!applied.ok()) return applied;
    for (const AppendResult& r : results) {
      if (r.outcome == AppendOutcome::kAppended) last_position_ = r.events.back().global_position;
    }
  }
  return results;
}

Result<SqliteEventStore::Lease> SqliteEventStore::BorrowReader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  auto c = std::make_unique<ReadConnection>();
  SAGAD_RETURN_IF_ERROR(OpenConnection(&c->db, true));
  Status s = c->readers.Prepare(c->db);
  if (!s.ok()) {
    c->readers = Readers();
    sqlite3_close_v2(c->db);
    return s;
  }
  return Lease(this, std::move(c));
}

void SqliteEventStore::ReturnReader(std::unique_ptr<ReadConnection> c) {
  std::lock_guard lock(pool_mu_);
  pool_.push_back(std::move(c));
}

Result<StoredStream> SqliteEventStore::Load(const StreamId& stream) {
  std::vector<std::int64_t> positions;
  StoredStream out;
  {
    std::shared_lock lookup(directory_mu_);
    const StreamDirectory::StreamInfo* info = directory_.Find(stream);
    if (!info) return out;
    out.version = info->version;
    positions = directory_.PositionsFrom(stream, info->snapshot_version + 1);
  }
  Result<Lease> reader = BorrowReader();
  if (!reader.ok()) return reader.status();
  if (positions.size() < static_cast<std::size_t>(out.version)) {
    Result<std::optional<Snapshot>> snapshot = (*reader)->LoadSnapshot(stream);
    if (!snapshot.ok()) return snapshot.status();
    out.snapshot = std::move(snapshot).value();
    std::int64_t snapshot_version = out.snapshot ? out.snapshot->version : 0;
    if (snapshot_version + static_cast<std::int64_t>(positions.size()) != out.version) {
      // A newer snapshot was saved after we looked: read the events it covers.
      Result<std::vector<Event>> tail = ReadStream(stream, snapshot_version + 1, out.version);
      if (!tail.ok()) return tail.status();
      out.events = std::move(tail).value();
      return out;
    }
  }
  Result<std::vector<Event>> events = (*reader)->EventsAt(positions);
  if (!events.ok()) return events.status();
  out.events = std::move(events).value();
  return out;
}

Result<std::vector<Event>> SqliteEventStore::ReadStream(const StreamId& stream, std::int64_t from_version,
                                                        std::int64_t to_version) {
  std::vector<std::int64_t> positions;
  bool indexed;
  {
    std::shared_lock lookup(directory_mu_);
    const StreamDirectory::StreamInfo* info = directory_.Find(stream);
    if (!info) return std::vector<Event>{};
    if (to_version == 0 || to_version > info->version) to_version = info->version;
    indexed = from_version > info->snapshot_version;
    if (indexed) {
      positions = directory_.PositionsFrom(stream, from_version);
      positions.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, to_version - from_version + 1)));
    }
  }
  Result<Lease> reader = BorrowReader();
  if (!reader.ok()) return reader.status();
  if (indexed) return (*reader)->EventsAt(positions);
  // History before the latest snapshot is not indexed in memory: scan.
  Statement& scan = (*reader)->stream_scan;
  scan.Bind(1, stream.type).Bind(2, stream.id).Bind(3, from_version).Bind(4, to_version);
  return CollectEvents(scan);
}

Result<std::vector<Event>> SqliteEventStore::ReadAll(std::int64_t after_position, std::size_t limit) {
  Result<Lease> reader = BorrowReader();
  if (!reader.ok()) return reader.status();
  Statement& range = (*reader)->range;
  range.Bind(1, after_position).Bind(2, static_cast<std::int64_t>(limit));
  return CollectEvents(range);
}

Result<std::vector<Event>> SqliteEventStore::FindByCommand(const StreamId& stream, const std::string& command_id) {
  std::optional<std::int64_t> candidate;
  {
    std::shared_lock lookup(directory_mu_);
    candidate = directory_.CommandCandidate(stream, command_id);
  }
  if (!candidate) return std::vector<Event>{};
  Result<Lease> reader = BorrowReader();
  if (!reader.ok()) return reader.status();
  return (*reader)->CommandEvents(*candidate, stream, command_id);
}

Status SqliteEventStore::SaveSnapshot(const Snapshot& snapshot) {
  std::lock_guard write_lock(write_mu_);
  {
    std::shared_lock lookup(directory_mu_);
    SAGAD_RETURN_IF_ERROR(CheckSnapshotVersion(directory_, snapshot));
  }
  Result<std::optional<Snapshot>> current = writer_readers_.LoadSnapshot(snapshot.stream);
  if (!current.ok()) return current.status();
  if (*current && (*current)->version >= snapshot.version) return Status::Ok();
  upsert_snapshot_.Bind(1, snapshot.stream.type)
      .Bind(2, snapshot.stream.id)
      .Bind(3, snapshot.version)
      .Bind(4, DumpJson(snapshot.state));
  SAGAD_RETURN_IF_ERROR(upsert_snapshot_.Run());
  std::unique_lock publish(directory_mu_);
  return directory_.SetSnapshotVersion(snapshot.stream, snapshot.version);
}

Result<std::int64_t> SqliteEventStore::LoadCheckpoint(const std::string& consumer) {
  Result<Lease> reader = BorrowReader();
  if (!reader.ok()) return reader.status();
  Statement& q = (*reader)->checkpoint;
  q.Bind(1, consumer);
  Result<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::int64_t{0};
  std::int64_t position = q.Int(0);
  q.Reset();
  return position;
}

Status SqliteEventStore::SaveCheckpoint(const std::string& consumer, std::int64_t position) {
  std::lock_guard write_lock(write_mu_);
  upsert_checkpoint_.Bind(1, consumer).Bind(2, position);
  return upsert_checkpoint_.Run();
}

std::int64_t SqliteEventStore::LastPosition() const {
  std::shared_lock lookup(directory_mu_);
  return last_position_;
}

Result<std::vector<std::string>> SqliteEventStore::ListStreams(const std::string& type) {
  std::shared_lock lookup(directory_mu_);
  return directory_.StreamsOfType(type);
}

Result<std::vector<StreamId>> SqliteEventStore::ListActive() {
  std::shared_lock lookup(directory_mu_);
  return directory_.ActiveStreams();
}

}  // namespace

Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const std::string& path, const SqliteOptions& options) {
  // SQLite's allocation statistics take a process-wide mutex on every
  // malloc, which serialises our reader threads. We never read them. This
  // only takes effect before SQLite initialises; later calls are no-ops.
  static const bool memstatus_off = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)memstatus_off;
  if (path.empty()) return Status::InvalidArgument("the SQLite store needs a file path (sqlite:PATH)");
  auto store = std::make_unique<SqliteEventStore>();
  Status s = store->Open(path, options);
  if (!s.ok()) return s;
  return std::unique_ptr<EventStore>(std::move(store));
}

Result<SqliteSync> ParseSqliteSync(const std::string& text) {
  if (text == "full" || text == "FULL") return SqliteSync::kFull;
  if (text == "normal" || text == "NORMAL") return SqliteSync::kNormal;
  if (text == "off" || text == "OFF") return SqliteSync::kOff;
  return Status::InvalidArgument("synchronous must be full, normal or off, not '" + text + "'");
}

}  // namespace sagad
