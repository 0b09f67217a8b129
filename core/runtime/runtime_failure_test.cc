// The runtime when the store misbehaves: failed commits, another writer on
// the same streams, and shutdown racing with both.
//
// FaultyStore wraps a MemoryEventStore and can fail appends, let "another
// writer" append to the inner store just before one of ours, and hold an
// append or a load until the test releases it, so races are arranged, not
// hoped for.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/runtime/aggregate_runtime.h"
#include "core/store/forwarding_event_store.h"
#include "core/store/memory/memory_event_store.h"
#include "core/testing/bank_account.h"

namespace sagad {
namespace {

using testing::Deposit;
using testing::Numbered;
using testing::Withdraw;

constexpr auto kGenerousWait = std::chrono::seconds(30);

// A one-shot signal between threads.
class Latch {
 public:
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerousWait, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// An append the test holds: `entered` opens when the store is called,
// the call proceeds once the test opens `release`.
struct Hold {
  Latch entered;
  Latch release;
};

class FaultyStore final : public ForwardingEventStore {
 public:
  // Runs on the inner store just before an append is delegated.
  using ForeignWrite = std::function<void(EventStore& inner, const std::vector<AppendRequest>& batch)>;

  explicit FaultyStore(EventStore* inner) : ForwardingEventStore(inner) {}

  // The next n appends fail with Unavailable and write nothing.
  void FailNextAppends(int n) { fail_appends_ = n; }
  // The next n appends lose their outcome: they answer DeadlineExceeded
  // (unknown), after writing the batch (`written`) or without writing it.
  void LoseNextOutcomes(int n, bool written) {
    lose_outcomes_ = n;
    lost_written_ = written;
  }
  // Before every append (until cleared), another writer gets its turn.
  void SetForeignWriter(ForeignWrite w) {
    std::lock_guard lock(mu_);
    foreign_ = std::move(w);
  }
  // The first append whose batch holds `command_id` waits on the hold.
  std::shared_ptr<Hold> HoldAppendOf(const std::string& command_id) {
    std::lock_guard lock(mu_);
    auto hold = std::make_shared<Hold>();
    append_holds_[command_id] = hold;
    return hold;
  }
  // The next load of the stream waits on the hold.
  std::shared_ptr<Hold> HoldLoadOf(const std::string& account) {
    std::lock_guard lock(mu_);
    auto hold = std::make_shared<Hold>();
    load_holds_[account] = hold;
    return hold;
  }

  int appends() const { return appends_.load(); }
  // Append calls that carried `command_id`.
  int attempts(const std::string& command_id) {
    std::lock_guard lock(mu_);
    return attempts_[command_id];
  }

  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override {
    appends_++;
    std::shared_ptr<Hold> hold;
    ForeignWrite foreign;
    {
      std::lock_guard lock(mu_);
      for (const AppendRequest& r : batch) {
        attempts_[r.command_id]++;
        if (auto it = append_holds_.find(r.command_id); it != append_holds_.end() && !hold) {
          hold = it->second;
          append_holds_.erase(it);
        }
      }
      foreign = foreign_;
    }
    if (hold) {
      hold->entered.Open();
      EXPECT_TRUE(hold->release.Wait()) << "the test never released a held append";
    }
    if (lose_outcomes_.load() > 0 && !batch.front().duplicate_probe) {
      lose_outcomes_--;
      if (lost_written_) EXPECT_TRUE(inner()->Append(batch).ok());
      return Status::DeadlineExceeded("injected: the connection died during COMMIT");
    }
    if (fail_appends_.load() > 0) {
      fail_appends_--;
      return Status::Unavailable("injected: disk on fire");
    }
    if (foreign) foreign(*inner(), batch);
    return inner()->Append(batch);
  }
  Result<StoredStream> Load(const StreamId& stream) override {
    std::shared_ptr<Hold> hold;
    {
      std::lock_guard lock(mu_);
      if (auto it = load_holds_.find(stream.id); it != load_holds_.end()) {
        hold = it->second;
        load_holds_.erase(it);
      }
    }
    if (hold) {
      hold->entered.Open();
      EXPECT_TRUE(hold->release.Wait()) << "the test never released a held load";
    }
    return inner()->Load(stream);
  }

 private:
  std::atomic<int> fail_appends_{0};
  std::atomic<int> lose_outcomes_{0};
  std::atomic<bool> lost_written_{false};
  std::atomic<int> appends_{0};
  std::mutex mu_;
  ForeignWrite foreign_;
  std::map<std::string, std::shared_ptr<Hold>> append_holds_;
  std::map<std::string, std::shared_ptr<Hold>> load_holds_;
  std::map<std::string, int> attempts_;
};

// The bank account, with its decisions counted so a test can wait until a
// command has been decided.
class CountedBehavior final : public AggregateBehavior {
 public:
  explicit CountedBehavior(std::shared_ptr<const AggregateBehavior> inner) : inner_(std::move(inner)) {}
  const std::string& type() const override { return inner_->type(); }
  std::unique_ptr<StateBox> NewState() const override { return inner_->NewState(); }
  Decision Decide(const StateBox& state, const Command& command) const override {
    Decision d = inner_->Decide(state, command);
    {
      std::lock_guard lock(mu_);
      decided_[command.command_id]++;
    }
    cv_.notify_all();
    return d;
  }
  void Evolve(StateBox& state, const Event& event) const override { inner_->Evolve(state, event); }
  bool SupportsSnapshots() const override { return inner_->SupportsSnapshots(); }
  Json Snapshot(const StateBox& state) const override { return inner_->Snapshot(state); }
  Result<std::unique_ptr<StateBox>> Restore(const Json& snapshot) const override { return inner_->Restore(snapshot); }

  bool WaitDecided(const std::string& command_id, int times = 1) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerousWait, [&] { return decided_[command_id] >= times; });
  }

 private:
  std::shared_ptr<const AggregateBehavior> inner_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable std::map<std::string, int> decided_;
};

// Writes one event for `account` directly on the inner store, as another
// process would.
void ForeignAppend(EventStore& inner, const std::string& account, const std::string& id, const std::string& type,
                   std::int64_t amount) {
  StreamId stream{"BankAccount", account};
  Result<StoredStream> now = inner.Load(stream);
  ASSERT_TRUE(now.ok());
  std::int64_t balance = 0;
  Result<std::vector<Event>> events = inner.ReadStream(stream, 1, 0);
  for (const Event& e : *events) {
    balance += (e.type == "Deposited" ? 1 : -1) * e.payload["amount"].get<std::int64_t>();
  }
  balance += (type == "Deposited" ? 1 : -1) * amount;
  AppendRequest r;
  r.stream = stream;
  r.expected_version = now->version;
  r.command_id = id;
  r.events = {EventData{type, {{"amount", amount}, {"balance", balance}}}};
  Result<std::vector<AppendResult>> done = inner.Append({r});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ((*done)[0].outcome, AppendOutcome::kAppended);
}

// Replays a stream: every event's recorded balance must be the replayed one,
// and the balance never goes below zero. Returns the final balance.
std::int64_t CheckReplay(EventStore& store, const std::string& account) {
  Result<std::vector<Event>> events = store.ReadStream({"BankAccount", account}, 1, 0);
  EXPECT_TRUE(events.ok());
  std::int64_t balance = 0;
  std::set<std::string> commands;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const Event& e = (*events)[i];
    EXPECT_EQ(e.version, static_cast<std::int64_t>(i + 1));
    EXPECT_TRUE(commands.insert(e.command_id).second) << e.command_id << " applied twice";
    balance += (e.type == "Deposited" ? 1 : -1) * e.payload["amount"].get<std::int64_t>();
    EXPECT_GE(balance, 0) << account << " is overdrawn at version " << e.version;
    EXPECT_EQ(e.payload["balance"].get<std::int64_t>(), balance)
        << account << " v" << e.version << " (" << e.command_id << ") was decided on a state the stream never had";
  }
  return balance;
}

class RuntimeFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    behavior_ = std::make_shared<CountedBehavior>(testing::MakeBankAccountType());
    ASSERT_TRUE(registry_.Register(behavior_).ok());
  }
  void Start(RuntimeOptions options = {}) {
    if (options.shards > 2) options.shards = 2;
    auto runtime = AggregateRuntime::Start(&faulty_, &registry_, options);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
  }
  // Until `n` messages wait in the runtime's queues (polled: the runtime has
  // no hook for it).
  bool WaitQueued(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + kGenerousWait;
    while (runtime_->Stats().queued != n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
  CommandResult SendAndWait(Command c) {
    std::future<CommandResult> f = runtime_->Send(std::move(c));
    if (f.wait_for(kGenerousWait) != std::future_status::ready) {
      ADD_FAILURE() << "no answer";
      return CommandResult{Status::Internal("no answer"), {}, false};
    }
    return f.get();
  }

  // Callbacks for commands sent with answers_.For(id), by command id.
  class Answers {
   public:
    CommandCallback For(const std::string& id, std::function<void(const CommandResult&)> also = nullptr) {
      return [this, id, also](CommandResult r) {
        if (also) also(r);
        {
          std::lock_guard lock(mu_);
          calls_[id]++;
        }
        cv_.notify_all();
      };
    }
    int calls(const std::string& id) {
      std::lock_guard lock(mu_);
      return calls_[id];
    }
    bool Wait(const std::string& id) {
      std::unique_lock lock(mu_);
      return cv_.wait_for(lock, kGenerousWait, [&] { return calls_[id] > 0; });
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, int> calls_;
  };

  MemoryEventStore inner_;
  FaultyStore faulty_{&inner_};
  std::shared_ptr<CountedBehavior> behavior_;
  AggregateRegistry registry_;
  // State the runtime's threads touch: declared before runtime_, so it
  // outlives them even when a test ends early.
  Answers answers_;
  std::atomic<int> foreign_writes_{0};
  std::mutex seen_mu_;
  std::vector<Event> seen_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

TEST_F(RuntimeFailureTest, FailedCommitIsUnavailableWritesNothingAndTheResendAppliesOnce) {
  Start();
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());

  faulty_.FailNextAppends(1);
  CommandResult failed = SendAndWait(Deposit("a", "d2", 7));
  EXPECT_EQ(failed.status.code(), StatusCode::kUnavailable) << failed.status.ToString();
  EXPECT_TRUE(failed.events.empty());
  EXPECT_TRUE(inner_.FindByCommand({"BankAccount", "a"}, "d2")->empty());
  EXPECT_EQ(inner_.LastPosition(), 1);

  // The speculative deposit is gone: the next command sees balance 100.
  CommandResult next = SendAndWait(Withdraw("a", "w1", 100));
  ASSERT_TRUE(next.status.ok()) << next.status.ToString();
  EXPECT_EQ(next.events[0].version, 2);
  EXPECT_EQ(next.events[0].payload["balance"], 0);

  CommandResult resent = SendAndWait(Deposit("a", "d2", 7));
  ASSERT_TRUE(resent.status.ok()) << resent.status.ToString();
  EXPECT_FALSE(resent.duplicate);
  EXPECT_EQ(resent.events[0].version, 3);
  EXPECT_EQ(resent.events[0].payload["balance"], 7);
  CommandResult again = SendAndWait(Deposit("a", "d2", 7));
  ASSERT_TRUE(again.status.ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.events[0].global_position, resent.events[0].global_position);
  EXPECT_EQ(CheckReplay(inner_, "a"), 7);
  EXPECT_EQ(inner_.LastPosition(), 3);
  EXPECT_GE(runtime_->Stats().store_failures, 1u);
}

// A commit whose outcome the store lost (DeadlineExceeded): the runtime
// asks until it knows, and answers as it was.
TEST_F(RuntimeFailureTest, ACommitWhoseOutcomeWasLostButWhichLandedIsAcknowledgedOnce) {
  RuntimeOptions options;
  options.unknown_outcome_pause_ms = 1;
  Start(options);
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());
  faulty_.LoseNextOutcomes(1, /*written=*/true);
  CommandResult landed = SendAndWait(Deposit("a", "d2", 7));
  ASSERT_TRUE(landed.status.ok()) << "it was written: never Unavailable " << landed.status.ToString();
  EXPECT_FALSE(landed.duplicate);
  ASSERT_EQ(landed.events.size(), 1u);
  EXPECT_EQ(landed.events[0].version, 2);
  // The speculative state was right: the next command builds on it.
  CommandResult next = SendAndWait(Withdraw("a", "w1", 107));
  ASSERT_TRUE(next.status.ok()) << next.status.ToString();
  EXPECT_EQ(next.events[0].version, 3);
  EXPECT_EQ(CheckReplay(inner_, "a"), 0);
  EXPECT_EQ(runtime_->Stats().unknown_outcomes, 1u);
}

TEST_F(RuntimeFailureTest, ACommitWhoseOutcomeWasLostAndWhichDidNotLandIsUnavailable) {
  RuntimeOptions options;
  options.unknown_outcome_pause_ms = 1;
  Start(options);
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());
  faulty_.LoseNextOutcomes(1, /*written=*/false);
  CommandResult lost = SendAndWait(Deposit("a", "d2", 7));
  EXPECT_EQ(lost.status.code(), StatusCode::kUnavailable) << lost.status.ToString();
  EXPECT_TRUE(inner_.FindByCommand({"BankAccount", "a"}, "d2")->empty());
  CommandResult resent = SendAndWait(Deposit("a", "d2", 7));
  ASSERT_TRUE(resent.status.ok()) << resent.status.ToString();
  EXPECT_EQ(resent.events[0].version, 2);
  EXPECT_EQ(CheckReplay(inner_, "a"), 107);
}

TEST_F(RuntimeFailureTest, WhileTheStoreCannotSayWhetherACommitLandedNobodyIsAnswered) {
  RuntimeOptions options;
  options.unknown_outcome_pause_ms = 1;
  Start(options);
  faulty_.LoseNextOutcomes(1, /*written=*/true);
  std::shared_ptr<Hold> first = faulty_.HoldAppendOf("d1");
  std::future<CommandResult> answer = runtime_->Send(Deposit("a", "d1", 5));
  ASSERT_TRUE(first->entered.Wait());
  faulty_.FailNextAppends(3);  // the store is down for the first questions after the lost outcome
  first->release.Open();
  CommandResult r = answer.get();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_FALSE(r.duplicate);
  EXPECT_GE(faulty_.attempts("d1"), 5) << "the commit, three failed questions, the answer";
  EXPECT_EQ(CheckReplay(inner_, "a"), 5);
}

TEST_F(RuntimeFailureTest, EveryCommandOfAFailedBatchIsUnavailableAndEachResendAppliesOnce) {
  Start();
  ASSERT_TRUE(SendAndWait(Deposit("a", "seed", 10)).status.ok());
  // Hold the commit of h1 so the next commands queue behind it and go into
  // the following batch; then fail both batches.
  std::shared_ptr<Hold> hold = faulty_.HoldAppendOf("h1");
  std::vector<Command> commands = {Deposit("a", "h1", 1), Deposit("a", "h2", 2), Withdraw("a", "h3", 13),
                                   Deposit("b", "h4", 4), Withdraw("b", "h5", 4)};
  std::vector<std::future<CommandResult>> answers;
  answers.push_back(runtime_->Send(commands[0]));
  ASSERT_TRUE(hold->entered.Wait());
  for (std::size_t i = 1; i < commands.size(); ++i) answers.push_back(runtime_->Send(commands[i]));
  for (std::size_t i = 1; i < commands.size(); ++i) ASSERT_TRUE(behavior_->WaitDecided(commands[i].command_id));
  // All four decided and handed to the committer: they make the next batch.
  ASSERT_TRUE(WaitQueued(4));
  faulty_.FailNextAppends(2);
  hold->release.Open();
  std::vector<CommandResult> results;
  for (auto& answer : answers) {
    ASSERT_EQ(answer.wait_for(kGenerousWait), std::future_status::ready);
    results.push_back(answer.get());
  }
  // h1's batch failed. h2 and h3 were decided on top of h1, so they never
  // reach the store as decided: they are decided again on the reloaded
  // account (h2 fits, h3 no longer does). h4 and h5 were in the second
  // failed batch.
  EXPECT_EQ(results[0].status.code(), StatusCode::kUnavailable) << results[0].status.ToString();
  EXPECT_TRUE(results[1].status.ok()) << results[1].status.ToString();
  EXPECT_EQ(results[2].status.code(), StatusCode::kRejected) << results[2].status.ToString();
  EXPECT_EQ(results[3].status.code(), StatusCode::kUnavailable) << results[3].status.ToString();
  EXPECT_EQ(results[4].status.code(), StatusCode::kUnavailable) << results[4].status.ToString();
  EXPECT_EQ(inner_.LastPosition(), 2) << "only the seed and the re-decided h2 may be stored";

  // Resent with the same ids (twice), each applies exactly once, in order.
  for (int round = 0; round < 2; ++round) {
    for (const Command& c : commands) {
      CommandResult r = SendAndWait(c);
      ASSERT_TRUE(r.status.ok()) << c.command_id << ": " << r.status.ToString();
      EXPECT_EQ(r.duplicate, round == 1 || c.command_id == "h2") << c.command_id;
    }
  }
  EXPECT_EQ(CheckReplay(inner_, "a"), 0);
  EXPECT_EQ(CheckReplay(inner_, "b"), 0);
  EXPECT_EQ(inner_.LastPosition(), 6);
}

// A commit fails while later commands of the same account, decided on top of
// it, wait in the next batch: those must be decided again, not written.
TEST_F(RuntimeFailureTest, CommandsDecidedOnTopOfAFailedCommitAreDecidedAgain) {
  Start();
  std::shared_ptr<Hold> hold = faulty_.HoldAppendOf("c1");
  std::future<CommandResult> c1 = runtime_->Send(Deposit("a", "c1", 10));
  ASSERT_TRUE(hold->entered.Wait());
  std::future<CommandResult> c2 = runtime_->Send(Deposit("a", "c2", 20));
  std::future<CommandResult> c3 = runtime_->Send(Withdraw("a", "c3", 25));  // fine only with c1's 10
  ASSERT_TRUE(behavior_->WaitDecided("c3"));
  faulty_.FailNextAppends(1);
  hold->release.Open();

  ASSERT_EQ(c1.wait_for(kGenerousWait), std::future_status::ready);
  EXPECT_EQ(c1.get().status.code(), StatusCode::kUnavailable);
  CommandResult r2 = c2.get();
  ASSERT_TRUE(r2.status.ok()) << r2.status.ToString();
  EXPECT_EQ(r2.events[0].version, 1);
  EXPECT_EQ(r2.events[0].payload["balance"], 20);
  CommandResult r3 = c3.get();
  EXPECT_EQ(r3.status.code(), StatusCode::kRejected) << "c3 was decided on c1's deposit, which never landed";
  EXPECT_EQ(CheckReplay(inner_, "a"), 20);
}

TEST_F(RuntimeFailureTest, AForeignWriteIsSeenAndTheCommandDecidedAgain) {
  Start();
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());
  faulty_.SetForeignWriter([this](EventStore& inner, const std::vector<AppendRequest>&) {
    if (foreign_writes_++ == 0) ForeignAppend(inner, "a", "foreign-1", "Withdrawn", 30);
  });
  // Decided against balance 100 it would pass; after the foreign withdrawal
  // of 30 it must be refused.
  CommandResult w = SendAndWait(Withdraw("a", "w1", 80));
  EXPECT_EQ(w.status.code(), StatusCode::kRejected) << w.status.ToString();
  EXPECT_GE(runtime_->Stats().conflicts, 1u);
  CommandResult d = SendAndWait(Deposit("a", "d2", 5));
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.events[0].version, 3);
  EXPECT_EQ(d.events[0].payload["balance"], 75);
  EXPECT_EQ(CheckReplay(inner_, "a"), 75);
}

TEST_F(RuntimeFailureTest, AForeignWriteBeforeADepositStillAppliesItWithTheRightVersion) {
  Start();
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());
  faulty_.SetForeignWriter([this](EventStore& inner, const std::vector<AppendRequest>&) {
    if (foreign_writes_++ == 0) ForeignAppend(inner, "a", "foreign-1", "Deposited", 1);
  });
  CommandResult d = SendAndWait(Deposit("a", "d2", 10));
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_FALSE(d.duplicate);
  EXPECT_EQ(d.events[0].version, 3);
  EXPECT_EQ(d.events[0].payload["balance"], 111);
  EXPECT_EQ(faulty_.attempts("d2"), 2) << "one conflict, one re-decided append";
  EXPECT_EQ(CheckReplay(inner_, "a"), 111);
}

TEST_F(RuntimeFailureTest, AWriterThatKeepsWinningEndsInConflictAfterTheRetries) {
  RuntimeOptions options;
  options.max_conflict_retries = 3;
  Start(options);
  ASSERT_TRUE(SendAndWait(Deposit("a", "d1", 100)).status.ok());
  faulty_.SetForeignWriter([this](EventStore& inner, const std::vector<AppendRequest>&) {
    ForeignAppend(inner, "a", Numbered("foreign-", ++foreign_writes_), "Deposited", 1);
  });
  CommandResult r = SendAndWait(Deposit("a", "d2", 10));
  EXPECT_EQ(r.status.code(), StatusCode::kConflict) << r.status.ToString();
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(faulty_.attempts("d2"), 1 + options.max_conflict_retries);
  EXPECT_TRUE(inner_.FindByCommand({"BankAccount", "a"}, "d2")->empty());

  faulty_.SetForeignWriter(nullptr);
  CommandResult resent = SendAndWait(Deposit("a", "d2", 10));
  ASSERT_TRUE(resent.status.ok()) << resent.status.ToString();
  EXPECT_FALSE(resent.duplicate);
  EXPECT_EQ(resent.events[0].version, 2 + foreign_writes_.load());
  EXPECT_EQ(resent.events[0].payload["balance"], 110 + foreign_writes_.load());
  EXPECT_EQ(CheckReplay(inner_, "a"), 110 + foreign_writes_.load());
}

// x conflicts with another writer's event. y was decided on the state x
// would have left (it is still in flight), so y must not be written either:
// its expected version matches only because the other writer took x's place.
TEST_F(RuntimeFailureTest, CommandsDecidedOnTopOfAConflictedCommandAreNotWritten) {
  Start();
  ASSERT_TRUE(SendAndWait(Deposit("a", "seed", 100)).status.ok());
  std::shared_ptr<Hold> hold = faulty_.HoldAppendOf("x");
  faulty_.SetForeignWriter([this](EventStore& inner, const std::vector<AppendRequest>&) {
    if (foreign_writes_++ == 0) ForeignAppend(inner, "a", "foreign-1", "Withdrawn", 100);
  });
  std::future<CommandResult> x = runtime_->Send(Deposit("a", "x", 10));
  ASSERT_TRUE(hold->entered.Wait());
  std::future<CommandResult> y = runtime_->Send(Withdraw("a", "y", 105));  // fine only on 100 + x's 10
  ASSERT_TRUE(behavior_->WaitDecided("y"));
  hold->release.Open();

  ASSERT_EQ(y.wait_for(kGenerousWait), std::future_status::ready);
  CommandResult ry = y.get();
  EXPECT_EQ(ry.status.code(), StatusCode::kRejected)
      << "y was written on a state the stream never had: " << ry.status.ToString()
      << (ry.events.empty() ? "" : Numbered(" at version ", ry.events[0].version));
  ASSERT_EQ(x.wait_for(kGenerousWait), std::future_status::ready);
  CommandResult rx = x.get();
  ASSERT_TRUE(rx.status.ok()) << rx.status.ToString();
  EXPECT_EQ(rx.events[0].payload["balance"], 10);
  CheckReplay(inner_, "a");
}

// A client resends commands whose originals are still in flight (its
// timeout fired). Nobody else writes, so no command may end in Conflict: each
// resend is the original's duplicate, and the commands behind it are applied.
TEST_F(RuntimeFailureTest, ResendsOfInFlightCommandsDoNotTurnIntoConflicts) {
  Start();  // max_conflict_retries = 5
  std::shared_ptr<Hold> hold = faulty_.HoldAppendOf("first");
  std::future<CommandResult> first = runtime_->Send(Deposit("a", "first", 1));
  ASSERT_TRUE(hold->entered.Wait());
  std::vector<Command> sent;
  for (int i = 0; i < 7; ++i) {
    sent.push_back(Deposit("a", Numbered("o", i), 1));
    sent.push_back(Deposit("a", Numbered("o", i), 1));  // its resend, right behind it
  }
  sent.push_back(Deposit("a", "last", 1));
  std::vector<std::future<CommandResult>> answers;
  for (const Command& c : sent) answers.push_back(runtime_->Send(c));
  ASSERT_TRUE(behavior_->WaitDecided("last"));
  hold->release.Open();

  ASSERT_TRUE(first.get().status.ok());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(answers[i].wait_for(kGenerousWait), std::future_status::ready);
    CommandResult r = answers[i].get();
    EXPECT_TRUE(r.status.ok()) << sent[i].command_id << (i % 2 ? " (resend)" : "") << ": " << r.status.ToString();
    if (r.status.ok() && i + 1 < sent.size()) {
      EXPECT_EQ(r.duplicate, i % 2 == 1) << sent[i].command_id;
    }
  }
  EXPECT_EQ(CheckReplay(inner_, "a"), 9);
}

// Stop while a resend and a command behind it are with the store and a later
// command could not be handed over any more: every callback still runs once.
TEST_F(RuntimeFailureTest, StopAnswersCommandsWhoseRetryRacesWithShutdown) {
  RuntimeOptions options;
  options.shards = 1;
  Start(options);
  auto send = [&](Command c) {
    std::string id = c.command_id;
    runtime_->Send(std::move(c), answers_.For(id));
  };
  ASSERT_TRUE(SendAndWait(Deposit("x", "c0", 100)).status.ok());

  std::shared_ptr<Hold> append = faulty_.HoldAppendOf("c0");
  send(Deposit("x", "c0", 100));  // resend: a duplicate, decided on top of v1
  ASSERT_TRUE(append->entered.Wait());
  send(Deposit("x", "d", 1));  // decided on top of the resend: will conflict
  ASSERT_TRUE(behavior_->WaitDecided("d"));
  std::shared_ptr<Hold> load = faulty_.HoldLoadOf("y");
  send(Deposit("y", "l", 1));  // keeps the shard busy loading y
  ASSERT_TRUE(load->entered.Wait());
  send(Deposit("x", "b", 1));  // waits in the shard's mailbox

  std::thread stopper([&] { runtime_->Stop(); });
  // Wait until Stop has begun (new commands are refused at once), and give it
  // a moment to close the committer's queue. If it has not, the test is
  // merely weaker this time.
  for (int i = 0; i < 3000; ++i) {
    std::future<CommandResult> probe = runtime_->Send(Deposit("z", Numbered("probe", i), 1));
    if (probe.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  append->release.Open();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  load->release.Open();
  stopper.join();

  for (const std::string id : {"c0", "d", "l", "b"}) {
    EXPECT_EQ(answers_.calls(id), 1) << id << " was answered " << answers_.calls(id) << " times";
  }
  CheckReplay(inner_, "x");
  CheckReplay(inner_, "y");
}

// Persist, then acknowledge: while the commit is held, nobody hears of it.
TEST_F(RuntimeFailureTest, NoAnswerBeforeTheCommitReturns) {
  Start();
  std::shared_ptr<Hold> hold = faulty_.HoldAppendOf("p1");
  auto stored_when_answered = std::make_shared<std::atomic<bool>>(false);
  runtime_->Send(Deposit("a", "p1", 5), answers_.For("p1", [this, stored_when_answered](const CommandResult& r) {
    *stored_when_answered = r.status.ok() && !inner_.FindByCommand({"BankAccount", "a"}, "p1")->empty();
  }));
  ASSERT_TRUE(runtime_
                  ->Subscribe("watcher",
                              [this](const std::vector<Event>& events) {
                                std::lock_guard lock(seen_mu_);
                                seen_.insert(seen_.end(), events.begin(), events.end());
                                return Status::Ok();
                              })
                  .ok());
  ASSERT_TRUE(hold->entered.Wait());
  // A second command to another account queues behind the held commit.
  std::future<CommandResult> other = runtime_->Send(Deposit("b", "p2", 5));
  ASSERT_TRUE(behavior_->WaitDecided("p2"));
  EXPECT_EQ(answers_.calls("p1"), 0);
  EXPECT_EQ(other.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  {
    std::lock_guard lock(seen_mu_);
    EXPECT_TRUE(seen_.empty()) << "a subscriber saw an event before it was committed";
  }
  hold->release.Open();
  ASSERT_TRUE(answers_.Wait("p1"));
  EXPECT_TRUE(stored_when_answered->load()) << "answered before the event was in the store";
  ASSERT_EQ(other.wait_for(kGenerousWait), std::future_status::ready);
  ASSERT_TRUE(other.get().status.ok());
}

}  // namespace
}  // namespace sagad
