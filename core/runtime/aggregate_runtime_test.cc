// The AggregateRuntime's guarantees (see aggregate_runtime.h), checked against
// what is in the store afterwards, on the in-memory store and on SQLite.
//
// A sequential model of the bank account (SequentialModel below) says what
// each command must be answered when commands of one aggregate are decided one
// at a time in arrival order; the tests compare the runtime's answers and the
// stored events with it.
#include "core/runtime/aggregate_runtime.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/store/forwarding_event_store.h"
#include "core/store/memory/memory_event_store.h"
#include "core/store/sqlite/sqlite_event_store.h"
#include "core/testing/bank_account.h"
#include "core/testing/command_window.h"

namespace sagad {
namespace {

using testing::Deposit;
using testing::Numbered;
using testing::Withdraw;

constexpr auto kGenerousWait = std::chrono::seconds(30);

std::string Positions(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    if (!out.empty()) out += ',';
    out += std::to_string(e.global_position);
  }
  return "[" + out + "]";
}

// Every event in the store, in global order.
std::vector<Event> ReadEverything(EventStore& store) {
  std::vector<Event> all;
  while (true) {
    Result<std::vector<Event>> page = store.ReadAll(all.empty() ? 0 : all.back().global_position, 4096);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok() || page->empty()) return all;
    all.insert(all.end(), page->begin(), page->end());
  }
}

// Checks what must hold of any store the runtime wrote bank accounts to:
// positions 1..n, per stream versions 1..n in commit order (and ReadStream
// agrees), each command's events once, and every event's recorded balance
// equal to the balance replayed from the stream, never negative. Returns the
// replayed balances by account.
std::map<std::string, std::int64_t> CheckStoreInvariants(EventStore& store) {
  std::vector<Event> all = ReadEverything(store);
  std::map<std::string, std::vector<Event>> by_account;
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> by_command;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Event& e = all[i];
    EXPECT_EQ(e.global_position, static_cast<std::int64_t>(i + 1)) << "positions have a gap";
    EXPECT_EQ(e.stream.type, "BankAccount");
    by_account[e.stream.id].push_back(e);
    by_command[{e.stream.id, e.command_id}].push_back(e.global_position);
  }
  for (const auto& [key, positions] : by_command) {
    // Deposit and Withdraw emit one event each: a second one is a command
    // applied twice.
    EXPECT_EQ(positions.size(), 1u) << "command " << key.second << " on " << key.first
                                    << " produced events more than once";
  }
  std::map<std::string, std::int64_t> balances;
  for (const auto& [account, events] : by_account) {
    std::int64_t balance = 0;
    for (std::size_t v = 0; v < events.size(); ++v) {
      const Event& e = events[v];
      EXPECT_EQ(e.version, static_cast<std::int64_t>(v + 1)) << account << " versions are not contiguous";
      std::int64_t amount = e.payload.at("amount").get<std::int64_t>();
      balance += e.type == "Deposited" ? amount : -amount;
      EXPECT_GE(balance, 0) << account << " went negative at version " << e.version;
      EXPECT_EQ(e.payload.at("balance").get<std::int64_t>(), balance)
          << account << " v" << e.version << " was decided on a state the stream does not have";
    }
    balances[account] = balance;
    Result<std::vector<Event>> stream = store.ReadStream({"BankAccount", account}, 1, 0);
    EXPECT_TRUE(stream.ok()) << stream.status().ToString();
    if (stream.ok()) {
      EXPECT_EQ(Positions(*stream), Positions(events)) << "ReadStream and ReadAll disagree on " << account;
    }
  }
  return balances;
}

// What one command must be answered if every aggregate's commands are decided
// one at a time in the order they were sent.
struct Expected {
  StatusCode code = StatusCode::kOk;
  bool duplicate = false;
  std::int64_t version = 0;  // OK: the version of its (only) event
  std::int64_t balance = 0;  // OK: the balance the event records
};

class SequentialModel {
 public:
  Expected Apply(const Command& c) {
    const std::string key = c.target.id + "/" + c.command_id;
    if (auto it = applied_.find(key); it != applied_.end()) {
      Expected again = it->second;
      again.duplicate = true;
      return again;
    }
    std::int64_t amount = c.payload.at("amount").get<std::int64_t>();
    Account& a = accounts_[c.target.id];
    if (c.type == "Withdraw" && amount > a.balance) return Expected{StatusCode::kRejected};
    a.balance += c.type == "Deposit" ? amount : -amount;
    a.commands.push_back(c.command_id);
    Expected e{StatusCode::kOk, false, static_cast<std::int64_t>(a.commands.size()), a.balance};
    applied_[key] = e;
    return e;
  }
  std::int64_t balance(const std::string& account) const {
    auto it = accounts_.find(account);
    return it == accounts_.end() ? 0 : it->second.balance;
  }
  // Command ids in the order their events must be stored.
  const std::vector<std::string>& commands(const std::string& account) { return accounts_[account].commands; }

 private:
  struct Account {
    std::int64_t balance = 0;
    std::vector<std::string> commands;
  };
  std::map<std::string, Account> accounts_;
  std::map<std::string, Expected> applied_;
};

void ExpectMatches(const Command& c, const CommandResult& r, const Expected& want) {
  SCOPED_TRACE(c.type + " " + c.command_id + " on " + c.target.id);
  ASSERT_EQ(r.status.code(), want.code) << r.status.ToString();
  if (want.code != StatusCode::kOk) {
    EXPECT_TRUE(r.events.empty());
    return;
  }
  EXPECT_EQ(r.duplicate, want.duplicate);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].command_id, c.command_id);
  EXPECT_EQ(r.events[0].version, want.version);
  EXPECT_EQ(r.events[0].payload.at("balance").get<std::int64_t>(), want.balance);
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sagad-runtime-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}


// Stops the runtime when a test body ends, so no callback outlives the locals
// it refers to.
struct StopOnExit {
  AggregateRuntime* runtime;
  ~StopOnExit() { runtime->Stop(); }
};

// Counts the store's Load calls (each one is a cache miss or a reload).
class CountingStore final : public ForwardingEventStore {
 public:
  using ForwardingEventStore::ForwardingEventStore;
  std::int64_t loads() const { return loads_.load(); }

  Result<StoredStream> Load(const StreamId& stream) override {
    loads_++;
    return inner()->Load(stream);
  }

 private:
  std::atomic<std::int64_t> loads_{0};
};

// ---------------------------------------------------------------------------
// Smoke tests on the memory store.

class AggregateRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.Register(testing::MakeBankAccountType()).ok());
    options_.shards = 2;
    auto runtime = AggregateRuntime::Start(&store_, &registry_, options_);
    ASSERT_TRUE(runtime.ok());
    runtime_ = std::move(runtime).value();
  }

  MemoryEventStore store_;
  AggregateRegistry registry_;
  RuntimeOptions options_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

TEST_F(AggregateRuntimeTest, CommandEventsAreDurableWhenAnswered) {
  CommandResult r = runtime_->Send(Deposit("a", "c1", 5)).get();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].version, 1);
  EXPECT_EQ(r.events[0].payload["balance"], 5);
  Result<StoredStream> stored = store_.Load({"BankAccount", "a"});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 1);
}

TEST_F(AggregateRuntimeTest, ResentCommandReturnsOriginalEvents) {
  CommandResult first = runtime_->Send(Deposit("a", "c1", 5)).get();
  CommandResult again = runtime_->Send(Deposit("a", "c1", 5)).get();
  ASSERT_TRUE(again.status.ok());
  EXPECT_TRUE(again.duplicate);
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].global_position, first.events[0].global_position);
  EXPECT_EQ(store_.LastPosition(), 1);
}

TEST_F(AggregateRuntimeTest, ResentWithdrawIsADuplicateEvenWhenTheStateWouldNowRefuseIt) {
  ASSERT_TRUE(runtime_->Send(Deposit("a", "d1", 10)).get().status.ok());
  CommandResult first = runtime_->Send(Withdraw("a", "w1", 10)).get();
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  // Balance is 0 now: deciding w1 again would refuse it, but it was applied.
  CommandResult again = runtime_->Send(Withdraw("a", "w1", 10)).get();
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_TRUE(again.duplicate);
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].global_position, first.events[0].global_position);
  EXPECT_EQ(store_.LastPosition(), 2);
}

TEST_F(AggregateRuntimeTest, WithdrawBeyondBalanceIsRejectedAndWritesNothing) {
  ASSERT_TRUE(runtime_->Send(Deposit("a", "d1", 10)).get().status.ok());
  CommandResult r = runtime_->Send(Withdraw("a", "w1", 11)).get();
  EXPECT_EQ(r.status.code(), StatusCode::kRejected) << r.status.ToString();
  EXPECT_TRUE(r.events.empty());
  EXPECT_FALSE(r.duplicate);
  CommandResult on_new = runtime_->Send(Withdraw("fresh", "w2", 1)).get();
  EXPECT_EQ(on_new.status.code(), StatusCode::kRejected) << on_new.status.ToString();

  EXPECT_EQ(store_.LastPosition(), 1);
  EXPECT_TRUE(store_.FindByCommand({"BankAccount", "a"}, "w1")->empty());
  EXPECT_EQ(store_.Load({"BankAccount", "fresh"})->version, 0) << "a refusal created the stream";
  // The refusal left the state as it was: the full balance can still go.
  CommandResult all = runtime_->Send(Withdraw("a", "w3", 10)).get();
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  EXPECT_EQ(all.events[0].payload["balance"], 0);
  EXPECT_EQ(all.events[0].version, 2);
}

TEST_F(AggregateRuntimeTest, MalformedCommandsAreInvalidArgumentAndWriteNothing) {
  struct Case {
    const char* what;
    std::function<void(Command&)> spoil;
  };
  const Case cases[] = {
      {"payload is an array", [](Command& c) { c.payload = Json::array({1, 2}); }},
      {"payload is a number", [](Command& c) { c.payload = 5; }},
      {"empty command id", [](Command& c) { c.command_id.clear(); }},
      {"unknown aggregate type", [](Command& c) { c.target.type = "NoSuchAggregate"; }},
      {"empty aggregate type", [](Command& c) { c.target.type.clear(); }},
      {"empty aggregate id", [](Command& c) { c.target.id.clear(); }},
      {"unknown command", [](Command& c) { c.type = "Launder"; }},
      {"empty command type", [](Command& c) { c.type.clear(); }},
      {"amount missing", [](Command& c) { c.payload = Json::object(); }},
      {"amount not a number", [](Command& c) { c.payload = {{"amount", "ten"}}; }},
  };
  int n = 0;
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.what);
    Command command = Deposit("a", Numbered("bad", ++n), 5);
    bad.spoil(command);
    auto answered = std::make_shared<std::promise<CommandResult>>();
    std::future<CommandResult> f = answered->get_future();
    runtime_->Send(command, [answered](CommandResult r) { answered->set_value(std::move(r)); });
    ASSERT_EQ(f.wait_for(kGenerousWait), std::future_status::ready);
    CommandResult r = f.get();
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << r.status.ToString();
    EXPECT_TRUE(r.events.empty());
  }
  // Nothing was written, and nothing stuck in front of the next command.
  CommandResult good = runtime_->Send(Deposit("a", "good", 1)).get();
  ASSERT_TRUE(good.status.ok()) << good.status.ToString();
  EXPECT_EQ(good.events[0].version, 1) << "a malformed command left an event behind";
  EXPECT_EQ(store_.LastPosition(), 1);
}

TEST_F(AggregateRuntimeTest, CommandWithoutIdOrTargetIsAnsweredBeforeSendReturns) {
  int calls = 0;
  StatusCode code = StatusCode::kOk;
  runtime_->Send(Deposit("a", "", 5), [&](CommandResult r) {
    ++calls;
    code = r.status.code();
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(code, StatusCode::kInvalidArgument);
}

TEST_F(AggregateRuntimeTest, AfterStopSendIsUnavailableAndAnsweredOnce) {
  ASSERT_TRUE(runtime_->Send(Deposit("a", "d1", 5)).get().status.ok());
  runtime_->Stop();
  runtime_->Stop();  // idempotent

  std::atomic<int> calls{0};
  std::promise<CommandResult> answered;
  runtime_->Send(Deposit("a", "d2", 5), [&](CommandResult r) {
    if (calls.fetch_add(1) == 0) answered.set_value(std::move(r));
  });
  std::future<CommandResult> f = answered.get_future();
  ASSERT_EQ(f.wait_for(kGenerousWait), std::future_status::ready);
  EXPECT_EQ(f.get().status.code(), StatusCode::kUnavailable);

  std::future<CommandResult> via_future = runtime_->Send(Deposit("a", "d3", 5));
  ASSERT_EQ(via_future.wait_for(kGenerousWait), std::future_status::ready);
  EXPECT_EQ(via_future.get().status.code(), StatusCode::kUnavailable);

  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(store_.LastPosition(), 1);
}

TEST_F(AggregateRuntimeTest, StopAnswersEveryCommandSentBeforeIt) {
  constexpr int kCommands = 2000;
  std::vector<std::atomic<int>> calls(kCommands);
  std::vector<CommandResult> results(kCommands);
  for (int i = 0; i < kCommands; ++i) {
    runtime_->Send(Deposit(Numbered("acc", i % 7), Numbered("s", i), 1), [&, i](CommandResult r) {
      results[i] = std::move(r);
      calls[i]++;
    });
  }
  runtime_->Stop();
  int committed = 0;
  for (int i = 0; i < kCommands; ++i) {
    ASSERT_EQ(calls[i].load(), 1) << "command " << i << " answered " << calls[i].load() << " times";
    const Status& s = results[i].status;
    ASSERT_TRUE(s.ok() || s.Is(StatusCode::kUnavailable)) << s.ToString();
    if (s.ok()) {
      ++committed;
      // Persist, then acknowledge: an OK answer's event is in the store.
      Result<std::vector<Event>> stored = store_.FindByCommand(results[i].events[0].stream, Numbered("s", i));
      ASSERT_TRUE(stored.ok());
      EXPECT_EQ(Positions(*stored), Positions(results[i].events));
    }
  }
  EXPECT_EQ(store_.LastPosition(), committed) << "an Unavailable command was written";
  CheckStoreInvariants(store_);
}

// ---------------------------------------------------------------------------
// The same guarantees on every backend.

class RuntimeOnBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.Register(testing::MakeBankAccountType()).ok());
    if (GetParam() == "sqlite") dir_ = MakeTempDir();
    OpenStore();
  }
  void TearDown() override {
    runtime_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void OpenStore() {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryEventStore>();
      return;
    }
    SqliteOptions options;
    options.synchronous = SqliteSync::kNormal;
    Result<std::unique_ptr<EventStore>> store = OpenSqliteEventStore(dir_ + "/events.db", options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // A process restart: the runtime goes, and a file-backed store is closed and
  // opened again (the memory store stands for one that outlives the process).
  void Restart(RuntimeOptions options, EventStore* through = nullptr) {
    runtime_.reset();
    if (GetParam() == "sqlite") {
      store_.reset();
      OpenStore();
    }
    StartRuntime(options, through);
  }

  void StartRuntime(RuntimeOptions options, EventStore* through = nullptr) {
    auto runtime = AggregateRuntime::Start(through ? through : store_.get(), &registry_, options);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
  }

  AggregateRegistry registry_;
  std::string dir_;
  std::unique_ptr<EventStore> store_;
  // A store wrapping store_ that a test runs the runtime through: declared
  // before runtime_, so it outlives the runtime, which calls it until it stops.
  std::unique_ptr<EventStore> wrapper_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

INSTANTIATE_TEST_SUITE_P(Stores, RuntimeOnBackend, ::testing::Values("memory", "sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// Loses the outcome of every third append (DeadlineExceeded), having
// written the batch every other time: the lost-COMMIT case of a remote
// database, which the store contract lets any backend answer.
class LosesOutcomes final : public ForwardingEventStore {
 public:
  using ForwardingEventStore::ForwardingEventStore;
  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override {
    if (batch.front().duplicate_probe || ++appends_ % 3 != 0) return inner()->Append(batch);
    if (++lost_ % 2 == 0) {
      Result<std::vector<AppendResult>> written = inner()->Append(batch);
      if (!written.ok()) return written;
    }
    return Status::DeadlineExceeded("injected: the connection died during COMMIT");
  }
  int lost() const { return lost_; }

 private:
  int appends_ = 0;
  int lost_ = 0;
};

TEST_P(RuntimeOnBackend, AppendsWhoseOutcomeIsLostAreAnsweredAsTheyLanded) {
  // Owned by the fixture: a local here was destroyed at the end of the test
  // while the runtime's committer could still call it (a crash one run in
  // about twenty).
  auto owned = std::make_unique<LosesOutcomes>(store_.get());
  LosesOutcomes& lossy = *owned;
  wrapper_ = std::move(owned);
  RuntimeOptions options;
  options.shards = 2;
  options.unknown_outcome_pause_ms = 1;
  StartRuntime(options, wrapper_.get());
  std::map<std::string, std::int64_t> deposited;
  for (int i = 0; i < 60; ++i) {
    std::string account = "a-" + std::to_string(i % 5);
    std::string id = "d-" + std::to_string(i);
    StreamId stream{"BankAccount", account};
    CommandResult r = runtime_->Send(testing::Deposit(account, id, i + 1)).get();
    if (!r.status.ok()) {
      ASSERT_EQ(r.status.code(), StatusCode::kUnavailable) << r.status.ToString();
      EXPECT_TRUE(store_->FindByCommand(stream, id)->empty()) << id << ": Unavailable, yet written";
      r = runtime_->Send(testing::Deposit(account, id, i + 1)).get();  // the client resends
    }
    ASSERT_TRUE(r.status.ok()) << id << ": " << r.status.ToString();
    Result<std::vector<Event>> stored = store_->FindByCommand(stream, id);
    ASSERT_EQ(stored->size(), 1u) << id << ": acknowledged, so written once";
    EXPECT_EQ((*stored)[0].global_position, r.events[0].global_position);
    deposited[account] += i + 1;
  }
  EXPECT_GE(lossy.lost(), 15);
  EXPECT_GE(runtime_->Stats().unknown_outcomes, 15u);
  for (const auto& [account, total] : deposited) {
    Result<std::vector<Event>> events = store_->ReadStream({"BankAccount", account}, 1, 0);
    ASSERT_EQ(events->size(), 12u) << account << ": every deposit once";
    EXPECT_EQ(events->back().payload["balance"], total) << account;
  }
}

// 8 clients, each with a window of commands in flight, on 50 overlapping
// accounts; about one command in eight is a resend of an earlier command id,
// some while the original is still in flight, some after it was answered.
TEST_P(RuntimeOnBackend, ConcurrentClientsWithResendsKeepEveryGuarantee) {
  RuntimeOptions options;
  options.shards = 4;
  StartRuntime(options);

  constexpr int kThreads = 8;
  constexpr int kSendsPerThread = 500;
  constexpr int kWindow = 16;
  constexpr int kAccounts = 50;

  struct Send {
    Command command;
    int original = -1;                    // resend: index of the first send of this id
    bool original_answered_first = false;  // resend: the original's answer had arrived
    CommandResult result;
    int calls = 0;
  };
  struct Client {
    std::mutex mu;
    std::vector<Send> sends;
    testing::CommandWindow window{kWindow};
  };
  std::vector<Client> clients(kThreads);
  StopOnExit stop_first{runtime_.get()};  // before `clients` goes, even on an early return

  auto run_client = [&](int t) {
    Client& client = clients[t];
    client.sends.reserve(kSendsPerThread);
    std::mt19937 rng(1234 + t);
    std::vector<int> originals;
    for (int i = 0; i < kSendsPerThread; ++i) {
      client.window.Acquire();
      Send send;
      if (!originals.empty() && rng() % 8 == 0) {
        // Resend: half the time pick the newest original (likely in flight).
        int of = rng() % 2 ? originals.back() : originals[rng() % originals.size()];
        std::lock_guard lock(client.mu);
        send.command = client.sends[of].command;
        send.original = of;
        send.original_answered_first = client.sends[of].calls > 0;
      } else {
        std::string account = Numbered("acc", rng() % kAccounts);
        std::string id = Numbered("t", t * 100000 + i);
        std::int64_t amount = 1 + static_cast<std::int64_t>(rng() % 50);
        send.command = rng() % 5 < 3 ? Deposit(account, id, amount) : Withdraw(account, id, amount);
        originals.push_back(i);
      }
      Command command = send.command;
      {
        std::lock_guard lock(client.mu);
        client.sends.push_back(std::move(send));
      }
      runtime_->Send(std::move(command), [&client, i](CommandResult r) {
        {
          std::lock_guard lock(client.mu);
          client.sends[i].result = std::move(r);
          client.sends[i].calls++;
        }
        client.window.Release();
      });
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(run_client, t);
  for (auto& th : threads) th.join();
  for (auto& client : clients) ASSERT_TRUE(client.window.Drain(kGenerousWait)) << "commands were never answered";
  runtime_->Stop();

  std::map<std::string, std::int64_t> balances = CheckStoreInvariants(*store_);

  std::map<std::string, std::int64_t> expected_balance;
  int resent_in_flight = 0, resent_after_answer = 0, rejected = 0;
  for (int t = 0; t < kThreads; ++t) {
    std::lock_guard lock(clients[t].mu);
    const std::vector<Send>& sends = clients[t].sends;
    // Answers by command id, in send order.
    std::map<std::string, std::vector<const Send*>> by_id;
    for (const Send& s : sends) {
      ASSERT_EQ(s.calls, 1) << s.command.command_id << " answered " << s.calls << " times";
      by_id[s.command.command_id].push_back(&s);
    }
    for (const auto& [id, answers] : by_id) {
      SCOPED_TRACE("command " + id);
      const Command& command = answers.front()->command;
      Result<std::vector<Event>> stored = store_->FindByCommand(command.target, id);
      ASSERT_TRUE(stored.ok());
      int fresh = 0;
      for (const Send* s : answers) {
        const Status& status = s->result.status;
        // Nobody else writes and nothing fails: a command is applied or refused.
        ASSERT_TRUE(status.ok() || status.Is(StatusCode::kRejected)) << status.ToString();
        if (!status.ok()) {
          ++rejected;
          continue;
        }
        if (!s->result.duplicate) ++fresh;
        // No acknowledged event lost: the answer is what the store holds.
        ASSERT_EQ(s->result.events.size(), 1u);
        ASSERT_EQ(stored->size(), 1u) << "acknowledged but not stored";
        const Event& got = s->result.events[0];
        const Event& have = stored->front();
        EXPECT_EQ(got.global_position, have.global_position);
        EXPECT_EQ(got.version, have.version);
        EXPECT_EQ(got.type, have.type);
        EXPECT_EQ(got.payload, have.payload);
        EXPECT_EQ(got.command_id, id);
      }
      EXPECT_LE(fresh, 1) << "applied more than once";
      EXPECT_EQ(fresh, static_cast<int>(stored->size())) << "stored events no fresh answer reported";
      const Send& first = *answers.front();
      if (first.result.status.ok()) {
        EXPECT_FALSE(first.result.duplicate) << "the first send of an id was answered as its duplicate";
        for (std::size_t k = 1; k < answers.size(); ++k) {
          const Send& again = *answers[k];
          EXPECT_TRUE(again.result.status.ok()) << again.result.status.ToString();
          EXPECT_TRUE(again.result.duplicate) << "resend of an applied command was not a duplicate";
          EXPECT_EQ(Positions(again.result.events), Positions(first.result.events));
          (again.original_answered_first ? resent_after_answer : resent_in_flight)++;
        }
      }
      if (!stored->empty()) {
        std::int64_t amount = command.payload["amount"].get<std::int64_t>();
        expected_balance[command.target.id] += command.type == "Deposit" ? amount : -amount;
      }
    }
  }
  for (const auto& [account, balance] : expected_balance) {
    EXPECT_EQ(balances[account], balance) << account;
  }
  EXPECT_EQ(balances.size(), expected_balance.size());
  // The scenario really happened (otherwise the checks above prove little).
  EXPECT_GT(resent_in_flight, 0);
  EXPECT_GT(resent_after_answer, 0);
  EXPECT_GT(rejected, 0);
}

TEST_P(RuntimeOnBackend, OneSendersCommandsAreStoredInSendOrder) {
  RuntimeOptions options;
  options.shards = 2;
  StartRuntime(options);
  constexpr int kCommands = 500;
  std::vector<std::future<CommandResult>> answers;
  for (int i = 1; i <= kCommands; ++i) answers.push_back(runtime_->Send(Deposit("fifo", Numbered("c", i), i)));
  for (int i = 1; i <= kCommands; ++i) {
    ASSERT_EQ(answers[i - 1].wait_for(kGenerousWait), std::future_status::ready);
    CommandResult r = answers[i - 1].get();
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.events[0].version, i);
  }
  Result<std::vector<Event>> stream = store_->ReadStream({"BankAccount", "fifo"}, 1, 0);
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(stream->size(), static_cast<std::size_t>(kCommands));
  for (int i = 1; i <= kCommands; ++i) {
    EXPECT_EQ((*stream)[i - 1].version, i);
    EXPECT_EQ((*stream)[i - 1].command_id, Numbered("c", i)) << "stored out of send order";
  }
}

// Deposits, withdrawals that may be refused and resends, sent to a few
// accounts without waiting: every answer is exactly what deciding them one at
// a time in send order gives.
TEST_P(RuntimeOnBackend, AnswersMatchDecidingInSendOrder) {
  RuntimeOptions options;
  options.shards = 2;
  StartRuntime(options);
  std::mt19937 rng(99);
  std::vector<Command> sent;
  std::vector<std::future<CommandResult>> answers;
  for (int i = 0; i < 1500; ++i) {
    Command c;
    if (!sent.empty() && rng() % 7 == 0) {
      c = sent[sent.size() - 1 - rng() % std::min<std::size_t>(sent.size(), 20)];
    } else {
      std::string account = Numbered("m", rng() % 3);
      std::string id = Numbered("x", i);
      c = rng() % 2 ? Deposit(account, id, 1 + rng() % 20) : Withdraw(account, id, 1 + rng() % 30);
    }
    sent.push_back(c);
    answers.push_back(runtime_->Send(std::move(c)));
  }
  SequentialModel model;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(answers[i].wait_for(kGenerousWait), std::future_status::ready);
    ASSERT_NO_FATAL_FAILURE(ExpectMatches(sent[i], answers[i].get(), model.Apply(sent[i])))
        << "answer " << i << " of " << sent.size() << " (stopping at the first mismatch)";
  }
  for (const std::string account : {"m0", "m1", "m2"}) {
    Result<std::vector<Event>> stream = store_->ReadStream({"BankAccount", account}, 1, 0);
    ASSERT_TRUE(stream.ok());
    std::vector<std::string> ids;
    for (const Event& e : *stream) ids.push_back(e.command_id);
    EXPECT_EQ(ids, model.commands(account)) << account;
  }
  CheckStoreInvariants(*store_);
}

TEST_P(RuntimeOnBackend, SnapshotsAreSavedAndUsedAfterARestart) {
  // The account type, with its snapshot restore counted.
  auto account = testing::MakeBankAccountType();
  auto restores = std::make_shared<std::atomic<int>>(0);
  account->Snapshots(
      [](const testing::BankAccount& a) { return Json{{"balance", a.balance}, {"operations", a.operations}}; },
      [restores](const Json& j) -> Result<testing::BankAccount> {
        (*restores)++;
        return testing::BankAccount{j.at("balance").get<std::int64_t>(), j.at("operations").get<std::int64_t>()};
      });
  registry_ = AggregateRegistry();
  ASSERT_TRUE(registry_.Register(account).ok());

  RuntimeOptions options;
  options.shards = 2;
  options.snapshot_every = 3;
  StartRuntime(options);
  for (int i = 1; i <= 10; ++i) {
    CommandResult r = runtime_->Send(Deposit("snap", Numbered("d", i), i)).get();
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  Result<StoredStream> stored = store_->Load({"BankAccount", "snap"});
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->snapshot.has_value()) << "10 events with snapshot_every=3 left no snapshot";
  EXPECT_EQ(stored->snapshot->version, 9);
  EXPECT_EQ(stored->snapshot->state["balance"], 45);  // 1+..+9
  EXPECT_EQ(stored->snapshot->state["operations"], 9);
  ASSERT_EQ(stored->events.size(), 1u);
  EXPECT_EQ(stored->events[0].version, 10);
  EXPECT_EQ(stored->version, 10);

  Restart(options);
  int restores_before = restores->load();
  CommandResult more = runtime_->Send(Deposit("snap", "d11", 5)).get();
  ASSERT_TRUE(more.status.ok()) << more.status.ToString();
  EXPECT_EQ(more.events[0].version, 11);
  EXPECT_EQ(more.events[0].payload["balance"], 60);
  EXPECT_GT(restores->load(), restores_before) << "the restarted runtime did not start from the snapshot";
  EXPECT_EQ(runtime_->Send(Withdraw("snap", "w1", 61)).get().status.code(), StatusCode::kRejected);
  CommandResult all = runtime_->Send(Withdraw("snap", "w2", 60)).get();
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  EXPECT_EQ(all.events[0].payload["balance"], 0);
  // Resends of commands from before the restart and before the snapshot.
  CommandResult old = runtime_->Send(Deposit("snap", "d2", 2)).get();
  ASSERT_TRUE(old.status.ok()) << old.status.ToString();
  EXPECT_TRUE(old.duplicate);
  EXPECT_EQ(old.events[0].version, 2);
  CheckStoreInvariants(*store_);
}

// A type that stopped taking snapshots (or a store another program wrote)
// meets a stored snapshot on load: its events are replayed instead.
TEST_P(RuntimeOnBackend, ASnapshotOfATypeThatTakesNoneIsIgnoredAndItsEventsReplayed) {
  auto account = testing::MakeBankAccountType();
  account->Snapshots([](const testing::BankAccount& a) { return Json{{"balance", a.balance}}; },
                     [](const Json&) -> Result<testing::BankAccount> { return testing::BankAccount{}; });
  registry_ = AggregateRegistry();
  ASSERT_TRUE(registry_.Register(account).ok());
  RuntimeOptions options;
  options.snapshot_every = 2;
  StartRuntime(options);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(runtime_->Send(Deposit("was-snapped", Numbered("d", i), i)).get().status.ok());
  Result<StoredStream> stored = store_->Load({"BankAccount", "was-snapped"});
  ASSERT_TRUE(stored.ok() && stored->snapshot.has_value());

  registry_ = AggregateRegistry();
  ASSERT_TRUE(registry_.Register(testing::MakeBankAccountType()).ok());  // no snapshots
  Restart(options);
  CommandResult r = runtime_->Send(Deposit("was-snapped", "d6", 6)).get();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.events[0].version, 6);
  EXPECT_EQ(r.events[0].payload["balance"], 21) << "1+..+6, from the events, not the stored snapshot";
}

TEST_P(RuntimeOnBackend, ACacheOfOneAggregatePerShardReloadsAndStaysCorrect) {
  auto owned = std::make_unique<CountingStore>(store_.get());  // outlives the runtime (wrapper_)
  CountingStore& counting = *owned;
  wrapper_ = std::move(owned);
  RuntimeOptions options;
  options.shards = 2;
  options.cache_capacity_per_shard = 1;
  options.snapshot_every = 4;
  StartRuntime(options, wrapper_.get());

  constexpr int kAccounts = 20;
  std::mt19937 rng(7);
  std::vector<Command> sent;
  std::vector<std::future<CommandResult>> answers;
  for (int i = 0; i < 800; ++i) {
    std::string account = Numbered("lru", i % kAccounts);
    std::string id = Numbered("k", i);
    Command c = rng() % 3 ? Deposit(account, id, 1 + rng() % 10) : Withdraw(account, id, 1 + rng() % 25);
    if (i % 50 == 49) c = sent[rng() % sent.size()];  // an old resend now and then
    sent.push_back(c);
    answers.push_back(runtime_->Send(std::move(c)));
    if (i % 100 == 99) answers.back().wait();  // let the cache settle, then miss again
  }
  SequentialModel model;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(answers[i].wait_for(kGenerousWait), std::future_status::ready);
    ASSERT_NO_FATAL_FAILURE(ExpectMatches(sent[i], answers[i].get(), model.Apply(sent[i])))
        << "answer " << i << " of " << sent.size() << " (stopping at the first mismatch)";
  }
  runtime_->Stop();
  EXPECT_LE(runtime_->Stats().cached_aggregates, 2u) << "the cache kept more than its capacity";
  EXPECT_GT(counting.loads(), kAccounts) << "aggregates were never evicted and reloaded";
  std::map<std::string, std::int64_t> balances = CheckStoreInvariants(*store_);
  for (int a = 0; a < kAccounts; ++a) {
    std::string account = Numbered("lru", a);
    EXPECT_EQ(balances[account], model.balance(account)) << account;
  }
}

}  // namespace
}  // namespace sagad
