// Test support for the engine: a scripted fake participant (a Transport)
// and a Cluster that runs store + runtime + engine on a fake clock and can be
// "restarted" (runtime and engine dropped, store kept).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "coordinator/coordinator_test_support.h"
#include "coordinator/engine.h"
#include "coordinator/register.h"
#include "core/runtime/aggregate_runtime.h"
#include "core/runtime/state_loader.h"
#include "core/store/memory/memory_event_store.h"
#include "core/testing/fake_clock.h"

namespace sagad::coordinator::testing {

// What the fake participant does with one delivery of a command.
enum class Act {
  kSucceed,    // apply (once per command id) and answer success
  kFail,       // refuse: business failure
  kTransient,  // answer "transient" without applying
  kHold,       // apply, but keep the answer back until Release*() (a slow or lost reply)
};

// A participant for every participant name, driven by a script. It applies
// a command at most once per command id (as a real participant must) and
// counts applications per business effect ("ReserveStock sku-1").
class FakeParticipant final : public Transport {
 public:
  // `delivery` counts deliveries of this command id (1 = first).
  using Script = std::function<Act(const OutgoingCommand& command, int delivery)>;
  explicit FakeParticipant(Script script) : script_(std::move(script)) {}

  void Send(const OutgoingCommand& c, ReplyCallback reply) override {
    Act act;
    {
      std::lock_guard lock(mu_);
      int delivery = ++deliveries_[c.command_id];
      sent_.push_back(c.command_type);
      act = script_(c, delivery);
      if (act == Act::kFail && !outcomes_.count(c.command_id)) outcomes_[c.command_id] = Act::kFail;
      if ((act == Act::kSucceed || act == Act::kHold) && !outcomes_.count(c.command_id)) {
        outcomes_[c.command_id] = Act::kSucceed;
        effects_[c.command_type + " " + c.target]++;
      }
      if (act == Act::kHold) {
        held_.push_back({c, std::move(reply)});
        return;
      }
    }
    reply(Answer(c, act));
  }

  // Answers held commands (oldest first, or newest first).
  void ReleaseHeld(bool newest_first = false) {
    std::vector<std::pair<OutgoingCommand, ReplyCallback>> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    if (newest_first) std::reverse(held.begin(), held.end());
    for (auto& [c, reply] : held) reply(Answer(c, Act::kSucceed));
  }
  // Forgets held commands without answering (the process holding them died).
  std::size_t DropHeld() {
    std::lock_guard lock(mu_);
    std::size_t n = held_.size();
    for (auto& [c, reply] : held_) lost_.push_back(std::move(reply));  // never called: the engine is gone
    held_.clear();
    return n;
  }
  std::size_t held() {
    std::lock_guard lock(mu_);
    return held_.size();
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::map<std::string, int> effects() {
    std::lock_guard lock(mu_);
    return effects_;
  }
  void SetScript(Script script) {
    std::lock_guard lock(mu_);
    script_ = std::move(script);
  }

 private:
  coordinator::Reply Answer(const OutgoingCommand& c, Act act) {
    if (act == Act::kTransient) return coordinator::Reply{coordinator::Reply::Outcome::kTransient, "", Json::object(), "503 from fake"};
    // A command applied before is answered as it was the first time.
    Act original = act;
    {
      std::lock_guard lock(mu_);
      auto it = outcomes_.find(c.command_id);
      if (it != outcomes_.end()) original = it->second;
    }
    if (original == Act::kFail) return coordinator::Reply{coordinator::Reply::Outcome::kFailure, "", Json::object(), "refused by fake"};
    return coordinator::Reply{coordinator::Reply::Outcome::kSuccess, "", Json{{"payment_id", "p-" + c.target}}, ""};
  }

  std::mutex mu_;
  Script script_;
  std::map<std::string, int> deliveries_;
  std::map<std::string, Act> outcomes_;
  std::map<std::string, int> effects_;
  std::vector<std::string> sent_;
  std::vector<std::pair<OutgoingCommand, ReplyCallback>> held_;
  std::vector<ReplyCallback> lost_;
};

inline FakeParticipant::Script Always(Act act) {
  return [act](const OutgoingCommand&, int) { return act; };
}
// `act` for commands of `type`, success for the others.
inline FakeParticipant::Script On(std::string type, Act act) {
  return [type, act](const OutgoingCommand& c, int) { return c.command_type == type ? act : Act::kSucceed; };
}

// Store, runtime and engine on a fake clock, every participant name served
// by one FakeParticipant.
class Cluster {
 public:
  // `limits`: the engine's max_in_flight and recovery_window (0: none), for
  // every boot.
  Cluster(std::shared_ptr<DefinitionCatalog> catalog, std::shared_ptr<FakeParticipant> participant,
          std::int64_t max_in_flight = 0, std::int64_t recovery_window = 0)
      : catalog_(std::move(catalog)),
        participant_(std::move(participant)),
        max_in_flight_(max_in_flight),
        recovery_window_(recovery_window) {
    Status s = RegisterCoordinatorAggregates(registry_, catalog_.get());
    EXPECT_TRUE(s.ok()) << s.ToString();
    Boot();
  }
  ~Cluster() { Shutdown(); }

  // Drops runtime and engine (what a crash loses: memory and in-flight
  // messages), keeps the store, boots again and recovers.
  std::size_t Restart() {
    Shutdown();
    participant_->DropHeld();
    Boot();
    Result<std::size_t> resumed = engine_->Recover();
    EXPECT_TRUE(resumed.ok()) << resumed.status().ToString();
    return resumed.ok() ? *resumed : 0;
  }

  Started Start(const std::string& definition, Json input, std::string key = "") {
    Result<Started> r = engine_->StartInstance(StartSpec{definition, std::nullopt, std::move(input), std::move(key)}).get();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Started{};
  }

  // Lets time pass: fires every timer as it comes due until nothing is
  // left to do (or `max_wakes` timers fired), with up to `withheld` replies
  // held back by the participant. Idle means: nothing in flight but the
  // replies the participant holds right now (counting them as they are
  // held, so a reply still on its way to being held is not mistaken for one).
  void Settle(int max_wakes = 100, std::int64_t withheld = 0) {
    for (int i = 0; i < max_wakes; ++i) {
      ASSERT_TRUE(WaitFor([&] {
        std::int64_t held = std::min<std::int64_t>(withheld, static_cast<std::int64_t>(participant_->held()));
        return engine_->Stats().in_flight <= held;
      })) << "engine did not settle";
      std::optional<std::int64_t> next;
      for (const auto& [type, id] : Instances()) {
        std::optional<std::int64_t> t = engine_->TimerOf({type, id});
        if (t && (!next || *t < *next)) next = t;
      }
      if (!next) return;
      if (*next > clock_.NowMs()) clock_.Set(*next);
      engine_->PokeTimers();  // counted in flight until what is due was submitted
    }
  }

  template <typename State>
  State Read(const StreamId& stream) {
    const AggregateBehavior* behavior = registry_.Find(stream.type);
    Result<LoadedState> loaded = LoadState(store_, *behavior, stream);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return AggregateDefinition<State>::Unbox(*loaded->state);
  }
  SagaStatus SagaStatusOf(const std::string& id) { return Read<SagaState>({saga::kAggregateType, id}).status(); }
  TccStatus TccStatusOf(const std::string& id) { return Read<TccState>({tcc::kAggregateType, id}).status(); }

  std::vector<std::string> EventTypes(const StreamId& stream) {
    std::vector<std::string> out;
    Result<std::vector<Event>> events = store_.ReadStream(stream, 1, 0);
    if (events.ok()) {
      for (const Event& e : *events) out.push_back(e.type);
    }
    return out;
  }

  Engine& engine() { return *engine_; }
  MemoryEventStore& store() { return store_; }
  sagad::testing::FakeClock& clock() { return clock_; }
  FakeParticipant& participant() { return *participant_; }

 private:
  std::vector<std::pair<std::string, std::string>> Instances() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* type : {saga::kAggregateType, tcc::kAggregateType}) {
      Result<std::vector<std::string>> ids = store_.ListStreams(type);
      if (ids.ok()) {
        for (const std::string& id : *ids) out.emplace_back(type, id);
      }
    }
    return out;
  }

 public:
  // Polls `condition` (a test's way to wait for another thread's progress).
  static bool WaitFor(const std::function<bool()>& condition) {
    for (int i = 0; i < 10'000; ++i) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return condition();
  }

 private:
  void Boot() {
    RuntimeOptions options;
    options.shards = 2;
    options.snapshot_every = 4;  // exercise snapshots on the way
    options.clock = &clock_;
    auto runtime = AggregateRuntime::Start(&store_, &registry_, options);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
    EngineOptions engine_options;
    engine_options.clock = &clock_;
    engine_options.timer_poll_ms = 5;
    engine_options.resend_pause_ms = 1;
    engine_options.max_in_flight = max_in_flight_;
    engine_options.recovery_window = recovery_window_;
    for (const char* name : {"inventory", "payment", "order", "warehouse", "courier", "labels"}) {
      engine_options.transports[name] = participant_;
    }
    auto engine = Engine::Start(runtime_.get(), catalog_.get(), engine_options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }
  void Shutdown() {
    if (engine_) engine_->Stop();
    if (runtime_) runtime_->Stop();
    engine_.reset();
    runtime_.reset();
  }

  std::shared_ptr<DefinitionCatalog> catalog_;
  std::shared_ptr<FakeParticipant> participant_;
  std::int64_t max_in_flight_ = 0;
  std::int64_t recovery_window_ = 0;
  sagad::testing::FakeClock clock_{kT0};
  MemoryEventStore store_;
  AggregateRegistry registry_;
  std::unique_ptr<AggregateRuntime> runtime_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace sagad::coordinator::testing
