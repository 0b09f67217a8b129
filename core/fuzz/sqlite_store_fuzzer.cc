// libFuzzer target for what the SQLite store reads back from its file: the
// rows of a damaged or foreign-edited store (any column, any type, any text
// in a payload, a metadata or a snapshot). The input is the rows, one a
// line, fields separated by tabs (absent fields are NULL; SQLite's column
// affinity turns numeric text into numbers, as it would for any writer):
//
//   event     position type id version command_id correlation_id event_type payload metadata ts
//   snapshot  type id version state
//   active    type id
//   checkpoint consumer position
//
// They are written with plain SQL into a store the store itself created,
// then the store is opened on it. Opening and every read must give a
// non-OK Status or data that keeps the EventStore contract: each stream's
// versions contiguous, its snapshot at or below its version and its events
// right after it, a command's events on its own stream, positions rising.
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/fuzz/check.h"
#include "core/store/sqlite/sqlite_event_store.h"

namespace {

using sagad::fuzz::Check;

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// One store path for the life of the process, in memory when /dev/shm is there.
const std::string& StorePath() {
  static const std::string path = [] {
    std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    std::string pattern = dir + "/sagad-store-fuzz-XXXXXX";
    Check(mkdtemp(pattern.data()) != nullptr, "a scratch directory for the store");
    std::string db = pattern + "/store.db";
    static std::string to_remove = pattern;
    atexit([] {
      for (const char* suffix : {"/store.db", "/store.db-wal", "/store.db-shm", "/store.db.lock"}) {
        (void)unlink((to_remove + suffix).c_str());
      }
      (void)rmdir(to_remove.c_str());
    });
    return db;
  }();
  return path;
}

void RemoveStore() {
  for (const char* suffix : {"", "-wal", "-shm"}) (void)unlink((StorePath() + suffix).c_str());
}

sagad::SqliteOptions Options() {
  sagad::SqliteOptions options;
  options.synchronous = sagad::SqliteSync::kOff;  // nothing here must survive a power cut
  options.cache_mib = 1;
  return options;
}

struct Rows {
  std::set<std::string> types;
  std::set<std::string> command_ids;
};

// Writes the input's rows with plain SQL; rows SQLite refuses are dropped.
Rows WriteRows(std::string_view input) {
  Rows rows;
  sqlite3* db = nullptr;
  Check(sqlite3_open(StorePath().c_str(), &db) == SQLITE_OK, "opening the scratch store with SQLite");
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (std::string_view line : Split(input, '\n')) {
    std::vector<std::string_view> fields = Split(line, '\t');
    std::string_view table = fields[0];
    fields.erase(fields.begin());
    const char* sql = nullptr;
    std::size_t columns = 0;
    if (table == "event") {
      sql = "INSERT INTO events(global_position, aggregate_type, aggregate_id, version, command_id, "
            "correlation_id, event_type, payload, metadata, ts) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
      columns = 10;
      if (fields.size() > 1) rows.types.emplace(fields[1]);
      if (fields.size() > 4) rows.command_ids.emplace(fields[4]);
    } else if (table == "snapshot") {
      sql = "INSERT OR REPLACE INTO snapshots(aggregate_type, aggregate_id, version, state) VALUES(?1,?2,?3,?4)";
      columns = 4;
    } else if (table == "active") {
      sql = "INSERT OR IGNORE INTO active_streams(aggregate_type, aggregate_id) VALUES(?1,?2)";
      columns = 2;
    } else if (table == "checkpoint") {
      sql = "INSERT OR REPLACE INTO checkpoints(consumer, position) VALUES(?1,?2)";
      columns = 2;
    } else {
      continue;
    }
    sqlite3_stmt* stmt = nullptr;
    Check(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK, "the store's tables exist");
    for (std::size_t i = 0; i < columns && i < fields.size(); ++i) {
      sqlite3_bind_text(stmt, static_cast<int>(i) + 1, fields[i].data(), static_cast<int>(fields[i].size()),
                        SQLITE_TRANSIENT);
    }
    (void)sqlite3_step(stmt);
    sqlite3_finalize(stmt);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rows;
}

// Versions from..to, one each, in order, all of `stream`.
void CheckContiguous(const std::vector<sagad::Event>& events, const sagad::StreamId& stream, std::int64_t from,
                     const char* what) {
  std::int64_t expect = from;
  for (const sagad::Event& e : events) {
    Check(e.stream == stream, what);
    Check(e.version == expect++, what);
  }
}

void ReadEverything(sagad::EventStore& store, const Rows& rows) {
  sagad::Result<std::vector<sagad::Event>> all = store.ReadAll(0, 1 << 20);
  if (all.ok()) {
    for (std::size_t i = 1; i < all->size(); ++i) {
      Check((*all)[i - 1].global_position < (*all)[i].global_position, "ReadAll returns rising positions");
    }
  }
  for (const std::string& type : rows.types) {
    sagad::Result<std::vector<std::string>> ids = store.ListStreams(type);
    Check(ids.ok(), "ListStreams answers from memory");
    for (const std::string& id : *ids) {
      sagad::StreamId stream{type, id};
      sagad::Result<sagad::StoredStream> loaded = store.Load(stream);
      if (loaded.ok()) {
        std::int64_t base = loaded->snapshot ? loaded->snapshot->version : 0;
        Check(base >= 0 && base <= loaded->version, "Load: the snapshot is at or below the stream's version");
        CheckContiguous(loaded->events, stream, base + 1, "Load: the events follow the snapshot, one version each");
        Check(base + static_cast<std::int64_t>(loaded->events.size()) == loaded->version,
              "Load: the snapshot and the events make up the version");
      }
      if (loaded.ok()) {
        // Appending on top of what was read back: the directory the replay built plans it.
        sagad::AppendRequest append;
        append.stream = stream;
        append.expected_version = loaded->version;
        append.command_id = "fuzz/append";
        append.events.push_back(sagad::EventData{"Appended", sagad::Json::object()});
        sagad::Result<std::vector<sagad::AppendResult>> appended = store.Append({append});
        if (appended.ok() && appended->front().outcome == sagad::AppendOutcome::kAppended) {
          sagad::Result<sagad::StoredStream> after = store.Load(stream);
          Check(!after.ok() || after->version == loaded->version + 1, "an appended event raises the version by one");
        }
      }
      sagad::Result<std::vector<sagad::Event>> history = store.ReadStream(stream, 1, 0);
      if (history.ok()) CheckContiguous(*history, stream, 1, "ReadStream: versions 1..n of the stream");
      for (const std::string& command_id : rows.command_ids) {
        sagad::Result<std::vector<sagad::Event>> found = store.FindByCommand(stream, command_id);
        if (!found.ok()) continue;
        for (const sagad::Event& e : *found) {
          Check(e.stream == stream && e.command_id == command_id, "FindByCommand: that command's events only");
        }
      }
    }
  }
  sagad::Result<std::vector<sagad::StreamId>> active = store.ListActive();
  Check(active.ok(), "ListActive answers from memory");
  (void)store.LoadCheckpoint("publisher");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  RemoveStore();
  {
    sagad::Result<std::unique_ptr<sagad::EventStore>> fresh = sagad::OpenSqliteEventStore(StorePath(), Options());
    Check(fresh.ok(), "the store creates its file");
  }
  Rows rows = WriteRows(std::string_view(reinterpret_cast<const char*>(data), size));
  sagad::Result<std::unique_ptr<sagad::EventStore>> store = sagad::OpenSqliteEventStore(StorePath(), Options());
  if (!store.ok()) {
    Check(store.status().code() == sagad::StatusCode::kCorruption, "a store that does not open says Corruption");
    return 0;
  }
  ReadEverything(**store, rows);
  return 0;
}
