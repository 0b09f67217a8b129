// Persist, then acknowledge, across SIGKILL.
//
// Each round runs crash_writer (an AggregateRuntime on SQLite with
// synchronous=full, logging every acknowledged command) for a random
// 100-600 ms on the same store file, kills it with SIGKILL, then reopens the
// store and checks it:
//  * it opens (its replay verifies versions and command ids);
//  * every acknowledged command's event is there, at the acknowledged
//    position and version;
//  * positions run 1..n, each stream's versions 1..n, each stream's
//    recorded balances match its replay;
//  * no half-written batch: every command id has exactly its one event.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/store/sqlite/sqlite_event_store.h"

#ifndef SAGAD_CRASH_WRITER
#error "SAGAD_CRASH_WRITER must name the crash_writer binary"
#endif

namespace sagad {
namespace {

struct Ack {
  std::string stream;
  std::string command_id;
  std::int64_t version = 0;
  std::int64_t position = 0;
};

// Reads the ack log; every line must be whole.
std::vector<Ack> ReadAcks(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the ack log ends in a torn line";
  std::vector<Ack> acks;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    Ack a;
    fields >> a.stream >> a.command_id >> a.version >> a.position;
    EXPECT_FALSE(fields.fail()) << "malformed ack line '" << line << "'";
    acks.push_back(a);
  }
  return acks;
}

pid_t StartWriter(const std::string& store_url, const std::string& ack_log, const std::string& prefix) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(SAGAD_CRASH_WRITER, "crash_writer", "--store", store_url.c_str(), "--ack-log", ack_log.c_str(),
          "--prefix", prefix.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Opens the store after a crash and checks it against the acknowledgements.
void CheckStore(const std::string& path, const std::vector<Ack>& acks) {
  Result<std::unique_ptr<EventStore>> opened = OpenSqliteEventStore(path);
  ASSERT_TRUE(opened.ok()) << "the store does not reopen after SIGKILL: " << opened.status().ToString();
  EventStore& store = **opened;

  std::vector<Event> all;
  while (true) {
    Result<std::vector<Event>> page = store.ReadAll(all.empty() ? 0 : all.back().global_position, 10000);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    all.insert(all.end(), page->begin(), page->end());
  }
  EXPECT_EQ(store.LastPosition(), static_cast<std::int64_t>(all.size()));

  std::map<std::string, std::int64_t> versions, balances;
  std::map<std::string, int> events_of_command;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Event& e = all[i];
    ASSERT_EQ(e.global_position, static_cast<std::int64_t>(i + 1)) << "a gap in global positions";
    std::string stream = e.stream.ToString();
    EXPECT_EQ(e.version, ++versions[stream]) << stream << " versions are not contiguous";
    EXPECT_EQ(e.type, "Deposited");
    balances[stream] += e.payload["amount"].get<std::int64_t>();
    EXPECT_EQ(e.payload["balance"].get<std::int64_t>(), balances[stream])
        << stream << " v" << e.version << " was decided on a state the stream does not have";
    events_of_command[e.command_id]++;
  }
  // A Deposit emits one event: a command with more was applied twice, and
  // the count equals the distinct ids only if no batch was cut in half.
  for (const auto& [id, n] : events_of_command) EXPECT_EQ(n, 1) << "command " << id << " has " << n << " events";
  EXPECT_EQ(events_of_command.size(), all.size());

  std::set<std::string> acked;
  for (const Ack& a : acks) {
    SCOPED_TRACE("ack " + a.stream + " " + a.command_id);
    EXPECT_TRUE(acked.insert(a.command_id).second) << "acknowledged twice";
    ASSERT_GE(a.position, 1);
    ASSERT_LE(a.position, static_cast<std::int64_t>(all.size())) << "an acknowledged event was lost";
    const Event& e = all[static_cast<std::size_t>(a.position - 1)];
    EXPECT_EQ(e.stream.ToString(), a.stream);
    EXPECT_EQ(e.command_id, a.command_id) << "another event sits at the acknowledged position";
    EXPECT_EQ(e.version, a.version);
  }

  // The per-stream path agrees with the log.
  for (const auto& [stream, version] : versions) {
    StreamId id{"BankAccount", stream.substr(stream.find('/') + 1)};
    Result<StoredStream> loaded = store.Load(id);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->version, version) << stream;
  }
}

TEST(Crash, AcknowledgedCommandsSurviveSigkill) {
  std::string pattern = (std::filesystem::temp_directory_path() / "sagad-crash-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::string dir = pattern;
  const std::string path = dir + "/events.db";
  const std::string ack_log = dir + "/acks.log";
  const std::string url = "sqlite:" + path + "?synchronous=full";

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE(std::string("seed ").append(std::to_string(seed)).append(", store ").append(path));

  constexpr int kRounds = 6;
  std::size_t acked_before = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string prefix = std::string("r").append(std::to_string(round));  // ids unique across rounds
    SCOPED_TRACE(prefix);
    pid_t pid = StartWriter(url, ack_log, prefix);
    ASSERT_GT(pid, 0) << "fork failed";
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 501));  // the workload's length

    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      FAIL() << "crash_writer ended by itself before the kill ("
             << (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status)))
             << "); see its stderr above";
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    std::vector<Ack> acks = ReadAcks(ack_log);
    ASSERT_NO_FATAL_FAILURE(CheckStore(path, acks));
    std::printf("round %d: %zu commands acknowledged (%zu in all)\n", round, acks.size() - acked_before,
                acks.size());
    acked_before = acks.size();
  }
  // Otherwise nothing above was put to the test.
  EXPECT_GT(acked_before, 0u) << "the writer acknowledged nothing in " << kRounds << " rounds";
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sagad
