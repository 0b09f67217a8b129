// Publishing: committed events reach subscribers in global order, from a
// durable checkpoint, at least once.
#include "core/runtime/event_publisher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/runtime/aggregate_runtime.h"
#include "core/store/memory/memory_event_store.h"
#include "core/store/sqlite/sqlite_event_store.h"
#include "core/testing/bank_account.h"

namespace sagad {
namespace {

using testing::Deposit;
using testing::Numbered;
using testing::Withdraw;

constexpr auto kGenerousWait = std::chrono::seconds(30);
std::vector<std::int64_t> Range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  for (std::int64_t p = from; p <= to; ++p) out.push_back(p);
  return out;
}

// A subscriber that records every delivery. `fail` decides, per call,
// whether the handler refuses the page.
class Recorder {
 public:
  using Fail = std::function<bool(const std::vector<Event>& page, int call)>;
  explicit Recorder(Fail fail = nullptr) : fail_(std::move(fail)) {}

  EventHandler Handler() {
    return [this](const std::vector<Event>& page) {
      Status s;
      {
        std::lock_guard lock(mu_);
        int call = static_cast<int>(calls_.size());
        bool failed = fail_ && fail_(page, call);
        calls_.push_back({page, failed});
        if (failed) {
          s = Status::Unavailable("subscriber refused the page");
        } else {
          for (const Event& e : page) accepted_.push_back(e.global_position);
        }
      }
      cv_.notify_all();
      return s;
    };
  }

  // Waits until some accepted delivery reached `position`.
  bool WaitAccepted(std::int64_t position) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerousWait, [&] {
      return std::find(accepted_.begin(), accepted_.end(), position) != accepted_.end();
    });
  }
  bool WaitCount(std::int64_t position, int times) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerousWait, [&] { return CountLocked(position) >= times; });
  }
  bool WaitCalls(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerousWait, [&] { return calls_.size() >= n; });
  }

  std::vector<std::int64_t> accepted() {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  int Count(std::int64_t position) {
    std::lock_guard lock(mu_);
    return CountLocked(position);
  }
  struct Call {
    std::vector<Event> page;
    bool failed;
  };
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  int CountLocked(std::int64_t position) const {
    return static_cast<int>(std::count(accepted_.begin(), accepted_.end(), position));
  }
  Fail fail_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
  std::vector<std::int64_t> accepted_;
};

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(registry_.Register(testing::MakeBankAccountType()).ok()); }
  void TearDown() override {
    runtime_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void UseMemory() { store_ = std::make_unique<MemoryEventStore>(); }
  void UseSqlite() {
    if (dir_.empty()) {
      std::string pattern = (std::filesystem::temp_directory_path() / "sagad-publisher-XXXXXX").string();
      ASSERT_NE(mkdtemp(pattern.data()), nullptr);
      dir_ = pattern;
    }
    SqliteOptions options;
    options.synchronous = SqliteSync::kNormal;
    Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore(dir_ + "/events.db", options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void StartRuntime() {
    RuntimeOptions options;
    options.shards = 2;
    auto runtime = AggregateRuntime::Start(store_.get(), &registry_, options);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
  }
  // Sends and waits for every answer; all must be OK.
  void SendAll(const std::vector<Command>& commands) {
    std::vector<std::future<CommandResult>> answers;
    for (const Command& c : commands) answers.push_back(runtime_->Send(c));
    for (std::size_t i = 0; i < answers.size(); ++i) {
      ASSERT_EQ(answers[i].wait_for(kGenerousWait), std::future_status::ready);
      CommandResult r = answers[i].get();
      ASSERT_TRUE(r.status.ok()) << commands[i].command_id << ": " << r.status.ToString();
    }
  }
  std::vector<Command> Deposits(const std::string& prefix, int n, int accounts = 7) {
    std::vector<Command> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(Deposit(Numbered("acc", i % accounts), Numbered(prefix, i), 1 + i % 5));
    }
    return out;
  }
  PublisherOptions Quick() {
    PublisherOptions o;
    o.checkpoint_interval_ms = 20;
    o.retry_pause_ms = 5;
    return o;
  }

  // Subscribers outlive the runtime that calls them.
  Recorder& NewRecorder(Recorder::Fail fail = nullptr) { return recorders_.emplace_back(std::move(fail)); }

  AggregateRegistry registry_;
  std::string dir_;
  std::unique_ptr<EventStore> store_;
  std::deque<Recorder> recorders_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

TEST_F(PublisherTest, SubscribersGetEveryCommittedEventOnceInGlobalOrder) {
  UseMemory();
  StartRuntime();
  Recorder& early = NewRecorder();
  Recorder& late = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("early", early.Handler(), Quick()).ok());
  // Two clients commit concurrently; a second subscriber joins half-way.
  std::thread other([&] { SendAll(Deposits("p", 200)); });
  SendAll(Deposits("q", 100));
  ASSERT_TRUE(runtime_->Subscribe("late", late.Handler(), Quick()).ok());
  SendAll(Deposits("r", 100));
  other.join();
  const std::int64_t last = store_->LastPosition();
  ASSERT_EQ(last, 400);
  ASSERT_TRUE(early.WaitAccepted(last));
  ASSERT_TRUE(late.WaitAccepted(last));
  EXPECT_EQ(early.accepted(), Range(1, last)) << "missed, repeated or out of order";
  EXPECT_EQ(late.accepted(), Range(1, last)) << "a new consumer starts at the beginning";

  // What was delivered is what is stored, field by field.
  Result<std::vector<Event>> stored = store_->ReadAll(0, 1000);
  ASSERT_TRUE(stored.ok());
  std::vector<Event> delivered;
  for (const Recorder::Call& c : early.calls()) delivered.insert(delivered.end(), c.page.begin(), c.page.end());
  ASSERT_EQ(delivered.size(), stored->size());
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    EXPECT_EQ(delivered[i].stream, (*stored)[i].stream);
    EXPECT_EQ(delivered[i].version, (*stored)[i].version);
    EXPECT_EQ(delivered[i].command_id, (*stored)[i].command_id);
    EXPECT_EQ(delivered[i].payload, (*stored)[i].payload);
  }
}

TEST_F(PublisherTest, ARestartedSubscriberResumesFromItsCheckpoint) {
  UseSqlite();
  StartRuntime();
  Recorder& first = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("c", first.Handler(), Quick()).ok());
  SendAll(Deposits("a", 100));
  ASSERT_TRUE(first.WaitAccepted(100));
  runtime_->Stop();
  EXPECT_EQ(store_->LoadCheckpoint("c").value(), 100) << "Stop did not save the delivered position";

  // Restart: new process, same file, same consumer.
  runtime_.reset();
  store_.reset();
  UseSqlite();
  StartRuntime();
  Recorder& second = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("c", second.Handler(), Quick()).ok());
  SendAll(Deposits("b", 50));
  ASSERT_TRUE(second.WaitAccepted(150));
  EXPECT_EQ(second.accepted(), Range(101, 150)) << "after a clean stop nothing is delivered twice";
  runtime_->Stop();

  // A crash between delivering and saving the checkpoint: the saved one lags.
  runtime_.reset();
  ASSERT_TRUE(store_->SaveCheckpoint("c", 120).ok());
  store_.reset();
  UseSqlite();
  StartRuntime();
  Recorder& third = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("c", third.Handler(), Quick()).ok());
  SendAll(Deposits("c", 10));
  ASSERT_TRUE(third.WaitAccepted(160));
  EXPECT_EQ(third.accepted(), Range(121, 160)) << "repeats only after the checkpoint, nothing missed";
}

TEST_F(PublisherTest, ARefusedPageIsDeliveredAgain) {
  UseMemory();
  StartRuntime();
  auto refused = std::make_shared<bool>(false);
  Recorder& rec = NewRecorder([refused](const std::vector<Event>& page, int) {
    // Refuse the first page that holds position 6, once.
    bool has6 = std::any_of(page.begin(), page.end(), [](const Event& e) { return e.global_position == 6; });
    if (has6 && !*refused) return *refused = true;
    return false;
  });
  PublisherOptions options = Quick();
  options.batch_size = 4;
  SendAll(Deposits("d", 20));  // all committed before the subscriber starts
  ASSERT_TRUE(runtime_->Subscribe("c", rec.Handler(), options).ok());
  ASSERT_TRUE(rec.WaitAccepted(20));

  std::vector<Recorder::Call> calls = rec.calls();
  auto failed = std::find_if(calls.begin(), calls.end(), [](const Recorder::Call& c) { return c.failed; });
  ASSERT_NE(failed, calls.end());
  ASSERT_NE(failed + 1, calls.end());
  std::vector<std::int64_t> refused_page, next_page;
  for (const Event& e : failed->page) refused_page.push_back(e.global_position);
  for (const Event& e : (failed + 1)->page) next_page.push_back(e.global_position);
  EXPECT_EQ(next_page, refused_page) << "the refused events were not delivered again";
  EXPECT_EQ(rec.accepted(), Range(1, 20));
}

TEST_F(PublisherTest, TheCheckpointNeverPassesAnUndeliveredEvent) {
  UseMemory();
  StartRuntime();
  // Refuses position 3 until the test gives up on Stop (see below).
  auto give_up = std::make_shared<std::atomic<bool>>(false);
  Recorder& stuck = NewRecorder([give_up](const std::vector<Event>& page, int) {
    return !give_up->load() && page.back().global_position >= 3;
  });
  PublisherOptions options = Quick();
  options.batch_size = 1;
  ASSERT_TRUE(runtime_->Subscribe("c", stuck.Handler(), options).ok());
  SendAll(Deposits("e", 5));
  ASSERT_TRUE(stuck.WaitAccepted(2));
  ASSERT_TRUE(stuck.WaitCalls(5)) << "position 3 was not retried";

  // Stop must return although the subscriber still refuses position 3.
  std::future<void> stopped = std::async(std::launch::async, [&] { runtime_->Stop(); });
  if (stopped.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    give_up->store(true);  // let the delivery succeed so the runtime can end
    stopped.wait();
    FAIL() << "Stop did not return while a subscriber kept refusing a page";
  }
  EXPECT_EQ(store_->LoadCheckpoint("c").value(), 2);
  for (const Recorder::Call& c : stuck.calls()) {
    if (c.page.front().global_position >= 3) {
      EXPECT_TRUE(c.failed);
    }
  }

  // The consumer, healthy again, resumes at 3.
  runtime_.reset();
  StartRuntime();
  Recorder& healthy = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("c", healthy.Handler(), Quick()).ok());
  ASSERT_TRUE(healthy.WaitAccepted(5));
  EXPECT_EQ(healthy.accepted(), Range(3, 5));
}

TEST_F(PublisherTest, DuplicatesArePublishedAgain) {
  UseMemory();
  StartRuntime();
  Recorder& rec = NewRecorder();
  ASSERT_TRUE(runtime_->Subscribe("c", rec.Handler(), Quick()).ok());
  SendAll({Deposit("a", "d1", 10), Withdraw("a", "w1", 10)});
  ASSERT_TRUE(rec.WaitAccepted(2));
  EXPECT_EQ(rec.Count(1), 1);

  CommandResult again = runtime_->Send(Deposit("a", "d1", 10)).get();
  ASSERT_TRUE(again.status.ok());
  ASSERT_TRUE(again.duplicate);
  EXPECT_TRUE(rec.WaitCount(1, 2)) << "the duplicate's original event was not published again";
  // A withdrawal the state would now refuse, answered as a duplicate by probe.
  CommandResult probe = runtime_->Send(Withdraw("a", "w1", 10)).get();
  ASSERT_TRUE(probe.status.ok()) << probe.status.ToString();
  ASSERT_TRUE(probe.duplicate);
  EXPECT_TRUE(rec.WaitCount(2, 2)) << "the probed duplicate was not published again";
  EXPECT_EQ(store_->LastPosition(), 2);
}

// The publisher on its own, over events already in the store.
TEST_F(PublisherTest, APublisherStartsFromTheCheckpointAndFollowsNotifications) {
  UseMemory();
  auto append = [&](const std::string& id, std::int64_t expected) {
    AppendRequest r;
    r.stream = {"BankAccount", "solo"};
    r.expected_version = expected;
    r.command_id = id;
    r.events = {EventData{"Deposited", {{"amount", 1}, {"balance", expected + 1}}}};
    ASSERT_TRUE(store_->Append({r}).ok());
  };
  for (int i = 0; i < 5; ++i) append(Numbered("s", i), i);
  {
    Recorder rec;
    EventPublisher publisher(store_.get(), "solo-consumer", rec.Handler(), Quick());
    ASSERT_TRUE(publisher.Start().ok());
    ASSERT_TRUE(rec.WaitAccepted(5));
    publisher.Stop();
    EXPECT_EQ(publisher.delivered_position(), 5);
    EXPECT_EQ(rec.accepted(), Range(1, 5));
  }
  EXPECT_EQ(store_->LoadCheckpoint("solo-consumer").value(), 5);

  Recorder rec;
  EventPublisher publisher(store_.get(), "solo-consumer", rec.Handler(), Quick());
  ASSERT_TRUE(publisher.Start().ok());
  for (int i = 5; i < 8; ++i) append(Numbered("s", i), i);
  publisher.Notify(store_->LastPosition());
  ASSERT_TRUE(rec.WaitAccepted(8));
  publisher.Stop();
  EXPECT_EQ(rec.accepted(), Range(6, 8));
  EXPECT_EQ(store_->LoadCheckpoint("solo-consumer").value(), 8);
}

}  // namespace
}  // namespace sagad
