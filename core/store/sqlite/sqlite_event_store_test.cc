#include "core/testing/numbered.h"
#include "core/store/sqlite/sqlite_event_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "core/store/testing/event_store_conformance.h"
#include "core/store/testing/full_disk_vfs.h"

namespace sagad {
namespace {

using sagad::testing::Numbered;

using ::testing::AllOf;
using ::testing::HasSubstr;
using store_testing::EventStoreConformance;
using store_testing::StoreFactory;
using store_testing::StoreFactoryName;
using store_testing::TempDir;

// ---------------------------------------------------------------------------
// The conformance suite, with each durability setting. The second factory
// goes through OpenEventStore, so the URL form is covered too.

Result<std::unique_ptr<EventStore>> OpenFull(const std::string& dir) {
  return OpenSqliteEventStore(dir + "/events.db", SqliteOptions{SqliteSync::kFull});
}

Result<std::unique_ptr<EventStore>> OpenNormalByUrl(const std::string& dir) {
  return OpenEventStore("sqlite:" + dir + "/events.db?synchronous=normal");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EventStoreConformance,
                         ::testing::Values(StoreFactory{"SynchronousFull", OpenFull, /*durable=*/true},
                                           StoreFactory{"SynchronousNormal", OpenNormalByUrl, /*durable=*/true}),
                         StoreFactoryName);

// ---------------------------------------------------------------------------
// Helpers

AppendRequest Request(const StreamId& stream, std::int64_t expected_version, const std::string& command_id,
                      int events = 1) {
  AppendRequest r;
  r.stream = stream;
  r.expected_version = expected_version;
  r.command_id = command_id;
  for (int k = 1; k <= events; ++k) r.events.push_back({"Step", Json{{"command", command_id}, {"k", k}}});
  return r;
}

const StreamId kOrder1{"Order", "o-1"};
const StreamId kOrder2{"Order", "o-2"};

// Runs SQL on the file directly, as a tool (or bit rot) would, while no store
// has it open.
void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  ASSERT_EQ(rc, SQLITE_OK) << sqlite3_errstr(rc);
  char* error = nullptr;
  rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message << " in: " << sql;
}

// The names of the tables in an SQLite file.
std::vector<std::string> Tables(const std::string& path) {
  std::vector<std::string> names;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << path;
    return names;
  }
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1, &stmt, nullptr);
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return names;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<EventStore>> Open() { return OpenSqliteEventStore(path_); }

  std::unique_ptr<EventStore> MustOpen() {
    Result<std::unique_ptr<EventStore>> store = Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Creates the store with: o-1 = c1 (v1, v2), c2 (v3); o-2 = c3 (v1).
  // Positions 1..4 in that order. Then closes it.
  void CreateSmallStore() {
    std::unique_ptr<EventStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    Result<std::vector<AppendResult>> r = store->Append({Request(kOrder1, 0, "c1", 2), Request(kOrder1, 2, "c2")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    r = store->Append({Request(kOrder2, 0, "c3")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(store->LastPosition(), 4);
  }

  // A row for the events table, as the store writes them.
  static std::string EventRow(int position, const std::string& id, int version, const std::string& command,
                              const std::string& payload = "{}") {
    return "INSERT INTO events(global_position, aggregate_type, aggregate_id, version, command_id, "
           "correlation_id, event_type, payload, metadata, ts) VALUES(" +
           std::to_string(position) + ", 'Order', '" + id + "', " + std::to_string(version) + ", '" + command +
           "', '', 'Step', '" + payload + "', NULL, 0)";
  }

  // Opening must fail with Corruption and a message naming what is wrong.
  void ExpectOpenIsCorruption(const std::vector<std::string>& mentions) {
    Result<std::unique_ptr<EventStore>> store = Open();
    ASSERT_FALSE(store.ok()) << "a damaged store opened";
    EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
    for (const std::string& m : mentions) EXPECT_THAT(store.status().message(), HasSubstr(m));
  }

  TempDir dir_;
  std::string path_ = dir_.File("events.db");
};

// ---------------------------------------------------------------------------
// Opening

TEST_F(SqliteEventStoreTest, CreatesTheFileOnFirstOpen) {
  { ASSERT_NE(MustOpen(), nullptr); }
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_THAT(Tables(path_), ::testing::IsSupersetOf({"checkpoints", "events", "snapshots"}));
}

TEST_F(SqliteEventStoreTest, GarbageFileIsCorruptionNamingThePathAndIsLeftAlone) {
  std::mt19937 random(20240601);
  std::string garbage(64 * 1024, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  { std::ofstream(path_, std::ios::binary) << garbage; }

  Result<std::unique_ptr<EventStore>> store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
  EXPECT_EQ(ReadFile(path_), garbage) << "a refused file must not be modified";
}

TEST_F(SqliteEventStoreTest, TextFileIsCorruptionNamingThePath) {
  { std::ofstream(path_) << "this is not a database, just some notes\n"; }
  Result<std::unique_ptr<EventStore>> store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
}

// Regression test for a fixed bug: another application's SQLite database comes back Internal
// ("preparing SQL: no such column ..."), without the path, after Open has
// already switched it to WAL, added our tables and set user_version.
TEST_F(SqliteEventStoreTest, ForeignSqliteDatabaseIsRefusedAsCorruptionAndLeftUnchanged) {
  ExecSql(path_, "CREATE TABLE events(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO events(body) VALUES('x')");
  std::vector<std::string> tables_before = Tables(path_);

  Result<std::unique_ptr<EventStore>> store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
  EXPECT_EQ(Tables(path_), tables_before) << "a refused file must not be modified";
}

TEST_F(SqliteEventStoreTest, StoreFromANewerSchemaIsRefused) {
  CreateSmallStore();
  ExecSql(path_, "PRAGMA user_version=2");
  ExpectOpenIsCorruption({path_, "schema version 2"});
}

TEST_F(SqliteEventStoreTest, MissingDirectoryIsUnavailableNamingThePath) {
  std::string path = dir_.File("no/such/dir/events.db");
  Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr("no/such/dir/events.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "no"));
}

TEST_F(SqliteEventStoreTest, DirectoryInPlaceOfTheFileIsUnavailableNamingThePath) {
  std::filesystem::create_directory(path_);
  Result<std::unique_ptr<EventStore>> store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
}

TEST_F(SqliteEventStoreTest, EmptyPathIsInvalidArgument) {
  Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore("");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteEventStoreTest, SecondOpenWhileInUseIsUnavailableUntilTheFirstCloses) {
  std::unique_ptr<EventStore> first = MustOpen();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Append({Request(kOrder1, 0, "c1")}).ok());

  Result<std::unique_ptr<EventStore>> second = Open();
  ASSERT_FALSE(second.ok()) << "two writers on one file";
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), AllOf(HasSubstr("in use"), HasSubstr(path_)));
  EXPECT_EQ(first->LastPosition(), 1) << "the refused open must not disturb the owner";
  ASSERT_TRUE(first->Append({Request(kOrder1, 1, "c2")}).ok());

  first.reset();
  std::unique_ptr<EventStore> again = MustOpen();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->LastPosition(), 2);
}

// ---------------------------------------------------------------------------
// OpenEventStore URLs

TEST_F(SqliteEventStoreTest, UrlOpensMemoryAndSqliteStores) {
  for (const std::string& url : {std::string("memory:"), std::string("memory")}) {
    Result<std::unique_ptr<EventStore>> memory = OpenEventStore(url);
    ASSERT_TRUE(memory.ok()) << url << ": " << memory.status().ToString();
    EXPECT_TRUE((*memory)->Append({Request(kOrder1, 0, "c1")}).ok());
  }
  for (const char* options : {"", "?synchronous=full", "?synchronous=normal", "?synchronous=off",
                                     "?synchronous=NORMAL"}) {
    SCOPED_TRACE(options);
    std::string url = "sqlite:" + path_ + options;
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(url);
    ASSERT_TRUE(store.ok()) << url << ": " << store.status().ToString();
    std::int64_t before = (*store)->LastPosition();
    ASSERT_TRUE((*store)->Append({Request(kOrder1, before, Numbered("c", before))}).ok());
  }
  // Every URL above opened the same file.
  std::unique_ptr<EventStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LastPosition(), 5);
}

TEST_F(SqliteEventStoreTest, UrlWithABadOptionIsInvalidArgumentAndCreatesNothing) {
  struct Case {
    std::string url;
    std::string mentions;
  };
  std::vector<Case> cases = {
      {"sqlite:" + path_ + "?synchronous=sometimes", "sometimes"},
      {"sqlite:" + path_ + "?cache=10", "cache"},
      {"sqlite:" + path_ + "?synchronous", "synchronous"},
      {"sqlite:", "path"},
      {"sqlite:?synchronous=full", "path"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(c.url);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
    EXPECT_THAT(store.status().message(), HasSubstr(c.mentions));
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteEventStoreTest, UrlWithAnUnknownSchemeIsInvalidArgument) {
  for (const char* url : {"mysql://localhost/sagad", "postgres:x", "", "/var/lib/sagad/events.db",
                                 "SQLITE:/tmp/x.db", "memory:extra"}) {
    SCOPED_TRACE(url);
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(url);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
    EXPECT_THAT(store.status().message(), HasSubstr("sqlite:")) << "the message should say what is accepted";
  }
}

TEST(ParseSqliteSyncTest, AcceptsTheThreeModesAndRefusesOthers) {
  EXPECT_EQ(*ParseSqliteSync("full"), SqliteSync::kFull);
  EXPECT_EQ(*ParseSqliteSync("normal"), SqliteSync::kNormal);
  EXPECT_EQ(*ParseSqliteSync("off"), SqliteSync::kOff);
  EXPECT_EQ(*ParseSqliteSync("FULL"), SqliteSync::kFull);
  for (const char* bad : {"", "extra", "fsync", "1"}) {
    Result<SqliteSync> parsed = ParseSqliteSync(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  }
}

// ---------------------------------------------------------------------------
// Replay verification: a damaged log is refused at open, naming the stream.

TEST_F(SqliteEventStoreTest, VersionGapInTheLogIsCorruptionNamingTheStream) {
  CreateSmallStore();
  ExecSql(path_, EventRow(5, "o-1", 5, "c9"));  // o-1 is at version 3
  ExpectOpenIsCorruption({"Order/o-1"});
}

TEST_F(SqliteEventStoreTest, RepeatedVersionInTheLogIsCorruptionNamingTheStream) {
  CreateSmallStore();
  ExecSql(path_, EventRow(5, "o-2", 1, "c9"));
  ExpectOpenIsCorruption({"Order/o-2"});
}

TEST_F(SqliteEventStoreTest, StreamNotStartingAtVersionOneIsCorruption) {
  CreateSmallStore();
  ExecSql(path_, EventRow(5, "o-3", 2, "c9"));
  ExpectOpenIsCorruption({"Order/o-3"});
}

TEST_F(SqliteEventStoreTest, CommandIdRepeatedInAStreamIsCorruptionNamingStreamAndCommand) {
  CreateSmallStore();
  ExecSql(path_, EventRow(5, "o-1", 4, "c1"));  // c1 already made versions 1-2
  ExpectOpenIsCorruption({"Order/o-1", "c1"});
}

// Regression test for a fixed bug: a command's events are written contiguously in the
// log, and duplicates are answered by reading them from the first one on.
// Replay only compares with the stream's last command, so the same command
// resumed after another stream's event is accepted, and a later duplicate of
// c3 then returns only part of what the log holds for it.
TEST_F(SqliteEventStoreTest, CommandSplitByAnotherStreamsEventIsCorruption) {
  CreateSmallStore();
  // o-2's last command is c3 (position 4); position 5 belongs to o-1.
  ExecSql(path_, EventRow(5, "o-1", 4, "c4") + ";" + EventRow(6, "o-2", 2, "c3"));
  ExpectOpenIsCorruption({"Order/o-2", "c3"});
}

// Regression test for a fixed bug: Replay checks a new command against the fingerprint
// map only. When the command was indexed exactly (its fingerprint collided
// with another stream's command, as swapped type and id do), a second
// occurrence is taken for another collision and accepted. A resend of c1
// then gets the events at position 4 instead of the original ones.
TEST_F(SqliteEventStoreTest, CommandRepeatedInAStreamWithACollidingFingerprintIsCorruption) {
  {
    std::unique_ptr<EventStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append({Request({"Alpha", "Beta"}, 0, "c1")}).ok());
    ASSERT_TRUE(store->Append({Request({"Beta", "Alpha"}, 0, "c1")}).ok());
    ASSERT_TRUE(store->Append({Request({"Beta", "Alpha"}, 1, "c2")}).ok());
  }
  ExecSql(path_,
          "INSERT INTO events VALUES(4, 'Beta', 'Alpha', 3, 'c1', '', 'Step', '{}', NULL, 0)");
  ExpectOpenIsCorruption({"Beta/Alpha", "c1"});
}

// Regression test for a fixed bug (found by core/fuzz/sqlite_store_fuzzer): the
// replay sized its command table by the log's last position, which a damaged
// log may set to anything; a negative or huge one threw out of Open (or took
// all memory) instead of letting the replay read the log.
TEST_F(SqliteEventStoreTest, AnImpossibleLastPositionDoesNotSizeTheReplay) {
  for (const char* position : {"-12", "4611686018427387904"}) {
    SCOPED_TRACE(position);
    TempDir dir;
    path_ = dir.File("events.db");
    { ASSERT_NE(MustOpen(), nullptr); }
    ExecSql(path_, std::string("INSERT INTO events VALUES(") + position +
                       ", 'Order', 'o-1', 1, 'c1', '', 'Step', '{}', NULL, 0)");
    std::unique_ptr<EventStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    Result<StoredStream> loaded = store->Load(kOrder1);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->version, 1);
  }
}

TEST_F(SqliteEventStoreTest, SnapshotAheadOfItsEventsIsCorruption) {
  CreateSmallStore();
  ExecSql(path_, "INSERT OR REPLACE INTO snapshots VALUES('Order', 'o-2', 9, '{}')");
  ExpectOpenIsCorruption({"Order/o-2"});
}

TEST_F(SqliteEventStoreTest, SnapshotOfAStreamWithoutEventsIsCorruption) {
  CreateSmallStore();
  ExecSql(path_, "INSERT INTO snapshots VALUES('Order', 'ghost', 1, '{}')");
  ExpectOpenIsCorruption({"Order/ghost"});
}

// ---------------------------------------------------------------------------
// Unreadable rows: Corruption from the reads that touch them, never a crash.

TEST_F(SqliteEventStoreTest, NonJsonPayloadMakesReadsCorruptionButLeavesOtherStreamsReadable) {
  CreateSmallStore();
  ExecSql(path_, "UPDATE events SET payload = 'not json {' WHERE global_position = 3");
  std::unique_ptr<EventStore> store = MustOpen();  // replay does not read payloads
  ASSERT_NE(store, nullptr);

  Result<StoredStream> loaded = store->Load(kOrder1);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(loaded.status().message(), HasSubstr("position 3"));

  Result<std::vector<Event>> all = store->ReadAll(0, 100);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store->ReadStream(kOrder1, 3, 3).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store->FindByCommand(kOrder1, "c2").status().code(), StatusCode::kCorruption);

  // What does not touch the row still works.
  Result<StoredStream> other = store->Load(kOrder2);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->version, 1);
  Result<std::vector<Event>> before = store->ReadAll(0, 2);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->size(), 2u);
  Result<std::vector<AppendResult>> next = store->Append({Request(kOrder2, 1, "c5")});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->at(0).events.at(0).global_position, 5);
}

TEST_F(SqliteEventStoreTest, NonJsonMetadataIsCorruption) {
  CreateSmallStore();
  ExecSql(path_, "UPDATE events SET metadata = '{oops' WHERE global_position = 4");
  std::unique_ptr<EventStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Load(kOrder2).status().code(), StatusCode::kCorruption);
}

TEST_F(SqliteEventStoreTest, UnreadableSnapshotIsCorruptionNamingTheStream) {
  {
    std::unique_ptr<EventStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    AppendRequest r = Request(kOrder1, 0, "c1", 2);
    r.snapshot = Json{{"n", 2}};
    ASSERT_TRUE(store->Append({r}).ok());
  }
  ExecSql(path_, "UPDATE snapshots SET state = '[1, 2' WHERE aggregate_id = 'o-1'");
  std::unique_ptr<EventStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  Result<StoredStream> loaded = store->Load(kOrder1);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(loaded.status().message(), HasSubstr("Order/o-1"));
  // The history is still there for an operator to rebuild from.
  Result<std::vector<Event>> history = store->ReadStream(kOrder1, 1, 0);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->size(), 2u);
}

// Regression test for a fixed bug: Append commits the batch, then reads the original events of
// duplicates; if that read fails it returns the error without applying the
// committed plan to the directory. The caller is told nothing was written
// (the contract of a non-OK Append) although it was, and the directory now
// lags the log, so the next append reuses taken positions.
TEST_F(SqliteEventStoreTest, FailedAppendWritesNothingEvenWhenADuplicateCannotBeRead) {
  CreateSmallStore();
  // c1 made positions 1 and 2; damage the second, so the first still matches.
  ExecSql(path_, "UPDATE events SET payload = 'not json' WHERE global_position = 2");
  {
    std::unique_ptr<EventStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    const StreamId fresh{"Order", "fresh"};
    Result<std::vector<AppendResult>> mixed = store->Append({Request(fresh, 0, "new"), Request(kOrder1, 3, "c1")});
    if (mixed.ok()) return;  // answering the batch is fine too
    EXPECT_EQ(mixed.status().code(), StatusCode::kCorruption) << mixed.status().ToString();

    // Whatever failed, the store must keep working for everything else.
    Result<std::vector<AppendResult>> next = store->Append({Request(kOrder2, 1, "c5")});
    EXPECT_TRUE(next.ok()) << "the store is wedged: " << next.status().ToString();
    if (next.ok()) {
      EXPECT_EQ(next->at(0).outcome, AppendOutcome::kAppended);
    }
  }
  std::unique_ptr<EventStore> reopened = MustOpen();
  ASSERT_NE(reopened, nullptr);
  Result<StoredStream> fresh = reopened->Load({"Order", "fresh"});
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->version, 0) << "a failed Append must write nothing of its batch";
}

// ---------------------------------------------------------------------------
// I/O trouble: Unavailable, nothing written, and the same batch can be retried.

TEST_F(SqliteEventStoreTest, AppendBlockedByAnotherWriterIsUnavailableAndRetryable) {
  std::unique_ptr<EventStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append({Request(kOrder1, 0, "c1")}).ok());

  // Another connection (a backup tool, say) holds the database write lock.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  std::vector<AppendRequest> batch = {Request(kOrder1, 1, "c2", 2), Request(kOrder2, 0, "c3")};
  Result<std::vector<AppendResult>> blocked = store->Append(batch);  // waits out the busy timeout
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable) << blocked.status().ToString();
  EXPECT_TRUE(blocked.status().IsRetryable());
  EXPECT_EQ(store->LastPosition(), 1);
  Result<StoredStream> order1 = store->Load(kOrder1);
  ASSERT_TRUE(order1.ok());
  EXPECT_EQ(order1->version, 1);

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  Result<std::vector<AppendResult>> retried = store->Append(batch);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->at(0).outcome, AppendOutcome::kAppended);
  EXPECT_EQ(retried->at(0).events.at(0).global_position, 2);
  EXPECT_EQ(retried->at(1).events.at(0).global_position, 4);
  store.reset();
  std::unique_ptr<EventStore> reopened = MustOpen();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->LastPosition(), 4);
}

// A full disk (the test VFS answers every write SQLITE_FULL): SQLite rolls
// the transaction back, so the append is Unavailable, writes nothing, the
// store keeps answering reads, and the same batch goes in once there is
// space again, also after a reopen.
TEST_F(SqliteEventStoreTest, AFullDiskRefusesTheAppendWritesNothingAndTheSameAppendGoesInOnceThereIsSpace) {
  testing::FullDisk::Install();
  auto open = [&] { return OpenEventStore("sqlite:" + path_ + "?vfs=" + testing::FullDisk::kName); };
  Result<std::unique_ptr<EventStore>> store = open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Append({Request(kOrder1, 0, "c1")}).ok());

  testing::FullDisk::SetFull(true);
  std::vector<AppendRequest> batch = {Request(kOrder1, 1, "c2", 3), Request(kOrder2, 0, "c3")};
  Result<std::vector<AppendResult>> full = (*store)->Append(batch);
  testing::FullDisk::SetFull(false);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kUnavailable) << full.status().ToString();
  EXPECT_THAT(full.status().message(), HasSubstr("full"));
  EXPECT_EQ((*store)->LastPosition(), 1);
  EXPECT_EQ((*store)->Load(kOrder1)->version, 1) << "reads still answer";
  EXPECT_TRUE((*store)->FindByCommand(kOrder1, "c2")->empty());

  Result<std::vector<AppendResult>> retried = (*store)->Append(batch);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->at(0).outcome, AppendOutcome::kAppended);
  EXPECT_EQ(retried->at(1).events.at(0).global_position, 5);
  store->reset();
  Result<std::unique_ptr<EventStore>> reopened = open();
  ASSERT_TRUE(reopened.ok()) << "the log is consistent: " << reopened.status().ToString();
  EXPECT_EQ((*reopened)->LastPosition(), 5);
}

TEST_F(SqliteEventStoreTest, AnUnknownVfsIsAClearError) {
  Result<std::unique_ptr<EventStore>> store = OpenEventStore("sqlite:" + path_ + "?vfs=no-such-vfs");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("vfs"));
}

TEST_F(SqliteEventStoreTest, ReplayOfALargeLogWithProgressLoggingRestoresTheDirectory) {
  SqliteOptions options;
  options.synchronous = SqliteSync::kOff;
  options.progress_every = 1'000;
  {
    Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore(path_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<AppendRequest> batch;
    for (int i = 0; i < 3'000; ++i) batch.push_back(Request({"Order", Numbered("o-", i % 300)}, i / 300,
                                                            Numbered("c", i)));
    ASSERT_TRUE((*store)->Append(batch).ok());
  }
  Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore(path_, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->LastPosition(), 3'000);
  Result<StoredStream> o7 = (*store)->Load({"Order", "o-7"});
  ASSERT_TRUE(o7.ok());
  EXPECT_EQ(o7->version, 10);
  Result<std::vector<AppendResult>> resend = (*store)->Append({Request({"Order", "o-7"}, 0, "c2107")});
  ASSERT_TRUE(resend.ok());
  EXPECT_EQ(resend->at(0).outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(resend->at(0).events.at(0).version, 8);
}

}  // namespace
}  // namespace sagad
