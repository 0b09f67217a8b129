#include "core/testing/numbered.h"
#include "core/store/memory/memory_event_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/store/testing/event_store_conformance.h"

namespace sagad {
namespace {

using sagad::testing::Numbered;

using store_testing::EventStoreConformance;
using store_testing::StoreFactory;
using store_testing::StoreFactoryName;

INSTANTIATE_TEST_SUITE_P(Memory, EventStoreConformance,
                         ::testing::Values(StoreFactory{
                             "InProcess",
                             [](const std::string&) -> Result<std::unique_ptr<EventStore>> {
                               return std::unique_ptr<EventStore>(std::make_unique<MemoryEventStore>());
                             },
                             /*durable=*/false}),
                         StoreFactoryName);

AppendRequest OneEvent(const StreamId& stream, std::int64_t expected_version, const std::string& command_id) {
  AppendRequest r;
  r.stream = stream;
  r.expected_version = expected_version;
  r.command_id = command_id;
  r.events.push_back({"Happened", Json{{"command", command_id}}});
  return r;
}

TEST(MemoryEventStoreTest, EachOpenedMemoryStoreIsSeparateAndStartsEmpty) {
  Result<std::unique_ptr<EventStore>> a = OpenEventStore("memory:");
  Result<std::unique_ptr<EventStore>> b = OpenEventStore("memory:");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE((*a)->Append({OneEvent({"Order", "o-1"}, 0, "c1")}).ok());
  EXPECT_EQ((*a)->LastPosition(), 1);
  EXPECT_EQ((*b)->LastPosition(), 0);
  Result<StoredStream> in_b = (*b)->Load({"Order", "o-1"});
  ASSERT_TRUE(in_b.ok());
  EXPECT_EQ(in_b->version, 0);
}

// Many writers on their own streams and readers at the same time (the engine's
// shards do exactly this). Every stream ends contiguous, the log gapless.
TEST(MemoryEventStoreTest, ManyThreadsAppendingAndReadingKeepTheLogConsistent) {
  constexpr int kWriters = 8;
  constexpr int kCommandsPerWriter = 500;
  MemoryEventStore store;
  std::atomic<bool> done{false};
  std::atomic<int> reader_problems{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      std::int64_t after = 0;
      while (!done.load() || after < store.LastPosition()) {
        Result<std::vector<Event>> page = store.ReadAll(after, 256);
        if (!page.ok()) {
          ++reader_problems;
          return;
        }
        for (const Event& e : *page) {
          if (e.global_position != after + 1) ++reader_problems;
          after = e.global_position;
        }
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      // Two streams per writer, alternating, batches of one or two requests.
      StreamId streams[2] = {{"Order", Numbered("w", w) + "-a"}, {"Order", Numbered("w", w) + "-b"}};
      std::int64_t versions[2] = {0, 0};
      for (int i = 0; i < kCommandsPerWriter; i += 2) {
        std::vector<AppendRequest> batch = {OneEvent(streams[0], versions[0], streams[0].id + "/" + std::to_string(i)),
                                            OneEvent(streams[1], versions[1], streams[1].id + "/" + std::to_string(i))};
        Result<std::vector<AppendResult>> results = store.Append(batch);
        ASSERT_TRUE(results.ok()) << results.status().ToString();
        for (const AppendResult& r : *results) ASSERT_EQ(r.outcome, AppendOutcome::kAppended);
        ++versions[0];
        ++versions[1];
      }
    });
  }
  for (std::thread& t : writers) t.join();
  done = true;
  for (std::thread& t : readers) t.join();

  EXPECT_EQ(reader_problems.load(), 0);
  EXPECT_EQ(store.LastPosition(), kWriters * kCommandsPerWriter);
  Result<std::vector<std::string>> ids = store.ListStreams("Order");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), static_cast<std::size_t>(2 * kWriters));
  for (const std::string& id : *ids) {
    Result<StoredStream> loaded = store.Load({"Order", id});
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded->version, kCommandsPerWriter / 2) << id;
    for (std::size_t v = 0; v < loaded->events.size(); ++v) {
      ASSERT_EQ(loaded->events[v].version, static_cast<std::int64_t>(v) + 1) << id;
      if (v > 0) {
        ASSERT_GT(loaded->events[v].global_position, loaded->events[v - 1].global_position) << id;
      }
    }
  }
}

}  // namespace
}  // namespace sagad
