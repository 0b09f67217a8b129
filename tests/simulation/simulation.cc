#include "tests/simulation/simulation.h"

#include <memory>

#include "coordinator/definition_catalog.h"
#include "coordinator/engine.h"
#include "coordinator/register.h"
#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "core/runtime/aggregate_runtime.h"
#include "core/runtime/state_loader.h"
#include "core/store/forwarding_event_store.h"
#include "core/store/memory/memory_event_store.h"
#include "core/testing/fake_clock.h"
#include "core/testing/simulated_executor.h"
#include "participants/sdk/in_process_transport.h"
#include "tests/simulation/definition_generator.h"
#include "tests/simulation/sim_participants.h"

namespace sagad::simulation {
namespace {

using coordinator::Engine;
using coordinator::SagaState;
using coordinator::SagaStatus;
using coordinator::TccState;
using coordinator::TccStatus;
using testing::SimulatedExecutor;

constexpr std::int64_t kStartMs = 1'800'000'000'000;

// The coordinator's store as the simulation sees it: appends fail now and
// then before anything is written (Unavailable), or lose their outcome
// (DeadlineExceeded, written or not), as the store contract allows.
class FlakyStore final : public ForwardingEventStore {
 public:
  FlakyStore(EventStore* inner, World* world) : ForwardingEventStore(inner), world_(world) {}
  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override {
    if (!world_->faults) return inner()->Append(batch);
    Random& r = *world_->random;
    if (r.Chance(world_->rates.store_failure)) {
      world_->faults_injected++;
      return Status::Unavailable("simulated: the disk said no");
    }
    if (r.Chance(world_->rates.store_lost_outcome)) {
      world_->faults_injected++;
      if (r.Chance(0.5)) {
        Result<std::vector<AppendResult>> written = inner()->Append(batch);
        if (!written.ok()) return written;
      }
      return Status::DeadlineExceeded("simulated: the connection died during COMMIT");
    }
    return inner()->Append(batch);
  }

 private:
  World* world_;
};

// An instance the client means to start, and what it heard back.
struct Planned {
  const GeneratedDefinition* definition = nullptr;
  Json input;
  std::string key;
  bool asked = false;
  bool acknowledged = false;
  std::string id;
  std::string aggregate_type;
};

class Simulation {
 public:
  Simulation(std::uint64_t seed, const SimulationOptions& options)
      : seed_(seed), options_(options), random_(seed), clock_(kStartMs), flaky_(&store_, &world_) {
    world_.random = &random_;
    world_.queue = &queue_;
    world_.clock = &clock_;
  }

  ~Simulation() {
    CrashCoordinator();
    participant_executor_.Crash();
    in_process_.clear();  // answers what they still hold (into the queue, which outlives them)
    participant_runtime_.reset();
  }

  SimulationReport Run() {
    SimulationReport report;
    report.seed = seed_;
    Status ready = Setup();
    if (!ready.ok()) {
      report.violations.push_back({"", "setup: " + ready.ToString()});
      return report;
    }
    Plan();
    BootCoordinator();
    Loop(report);
    Check(report);
    report.instances = static_cast<int>(planned_.size());
    report.crashes = crashes_;
    report.operator_actions = operator_actions_;
    report.faults = world_.faults_injected;
    report.simulated_ms = clock_.NowMs() - kStartMs;
    return report;
  }

 private:
  // ---- the world ----

  Status Setup() {
    catalog_ = std::make_shared<coordinator::DefinitionCatalog>();
    int sagas = static_cast<int>(random_.Between(1, 2));
    for (int i = 0; i < sagas; ++i) definitions_.push_back(GenerateSaga(random_, "Gen" + std::to_string(i + 1)));
    if (random_.Chance(0.5)) definitions_.push_back(GenerateTcc(random_, "GenTcc"));
    for (const GeneratedDefinition& d : definitions_) {
      SAGAD_RETURN_IF_ERROR(catalog_->AddSource(d.text, d.name + ".saga").WithContext(d.text));
    }
    for (const std::string& name : kParticipants) {
      participants_.push_back(MakeSimParticipant(name));
      SAGAD_RETURN_IF_ERROR(participants_.back().RegisterInto(participant_registry_));
    }
    RuntimeOptions options;
    options.shards = 2;
    options.clock = &clock_;
    options.executor = &participant_executor_;
    Result<std::unique_ptr<AggregateRuntime>> runtime =
        AggregateRuntime::Start(&participant_store_, &participant_registry_, options);
    if (!runtime.ok()) return runtime.status();
    participant_runtime_ = std::move(runtime).value();
    for (const participants::Participant& p : participants_) {
      in_process_[p.name()] = std::make_unique<participants::InProcessTransport>(p, participant_runtime_.get());
      transports_[p.name()] = std::make_shared<SimulatedTransport>(&world_, in_process_[p.name()].get());
    }
    return Status::Ok();
  }

  // The workload, the crashes and the end of the faults, placed in time.
  void Plan() {
    int count = static_cast<int>(random_.Between(1, options_.max_instances));
    for (int i = 0; i < count; ++i) {
      Planned p;
      p.definition = &definitions_[random_.Below(definitions_.size())];
      p.key = "k" + std::to_string(i);
      p.input = Json{{"t_final", random_.Pick(kTargets)}};
      for (const GeneratedStep& s : p.definition->steps) {
        p.input["t_" + s.name] = random_.Pick(kTargets);
        p.input["refuse_" + s.name] = random_.Chance(0.12);
      }
      for (const std::string& b : p.definition->branches) {
        p.input["t_" + b] = random_.Pick(kTargets);
        p.input["refuse_" + b] = random_.Chance(0.12);
        p.input["tx_" + b] = p.key + "/" + b;
      }
      planned_.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < planned_.size(); ++i) {
      queue_.At(kStartMs + random_.Between(0, options_.chaos_ms), [this, i] { AskToStart(i); });
    }
    int crashes = static_cast<int>(random_.Between(0, options_.max_crashes));
    for (int i = 0; i < crashes; ++i) {
      queue_.At(kStartMs + random_.Between(0, options_.chaos_ms), [this] {
        if (!engine_) return;
        CrashCoordinator();
        crashes_++;
        timeline_ += "  " + std::to_string(clock_.NowMs() - kStartMs) + ": coordinator crashed\n";
        queue_.At(clock_.NowMs() + random_.Between(0, 3'000), [this] { BootCoordinator(); });
      });
    }
    queue_.At(kStartMs + options_.chaos_ms, [this] { world_.faults = false; });
    queue_.At(kStartMs + 1'000, [this] { OperatorRound(); });
  }

  // ---- the coordinator ----

  void BootCoordinator() {
    if (engine_) return;
    executor_ = std::make_unique<SimulatedExecutor>();
    registry_ = std::make_unique<AggregateRegistry>();
    (void)coordinator::RegisterCoordinatorAggregates(*registry_, catalog_.get());
    RuntimeOptions options;
    options.shards = 2;
    options.snapshot_every = 3;           // snapshots and restores all the time
    options.cache_capacity_per_shard = 2;  // evictions and reloads too
    options.unknown_outcome_pause_ms = 0;  // simulated time does not pass in a store call
    options.clock = &clock_;
    options.executor = executor_.get();
    runtime_ = std::move(AggregateRuntime::Start(&flaky_, registry_.get(), options)).value();
    coordinator::EngineOptions engine_options;
    for (const auto& [name, transport] : transports_) engine_options.transports[name] = transport;
    engine_options.workers = 2;
    engine_options.clock = &clock_;
    engine_options.executor = executor_.get();
    engine_ = std::move(Engine::Start(runtime_.get(), catalog_.get(), std::move(engine_options))).value();
    world_.engine = engine_.get();
    timeline_ += "  " + std::to_string(clock_.NowMs() - kStartMs) + ": coordinator started\n";
    Result<std::size_t> recovered = engine_->Recover();
    if (!recovered.ok()) recovery_errors_.push_back(recovered.status().ToString());
    // The client asks again for the starts it did not hear back about.
    for (std::size_t i = 0; i < planned_.size(); ++i) {
      if (planned_[i].asked && !planned_[i].acknowledged) AskToStart(i);
    }
  }

  // The process dies: what it held in memory is gone, the store stays.
  void CrashCoordinator() {
    if (!executor_) return;
    executor_->Crash();
    world_.epoch++;
    world_.engine = nullptr;
    engine_.reset();
    runtime_.reset();
    registry_.reset();
    executor_.reset();
  }

  void AskToStart(std::size_t i) {
    Planned& p = planned_[i];
    p.asked = true;
    if (!engine_ || p.acknowledged) return;  // asked again after the restart
    std::uint64_t epoch = world_.epoch;
    coordinator::StartSpec spec{p.definition->name, std::nullopt, p.input, p.key};
    engine_->StartInstance(std::move(spec), [this, i, epoch](Result<coordinator::Started> r) {
      if (epoch != world_.epoch) return;
      Planned& p = planned_[i];
      if (r.ok()) {
        p.acknowledged = true;
        p.id = r->id;
        p.aggregate_type = r->aggregate_type;
        world_.instance_types[p.id] = p.aggregate_type;
        return;
      }
      // Unavailable (a failed store write): a client sends it again.
      queue_.At(clock_.NowMs() + 100, [this, i] { AskToStart(i); });
    });
  }

  // ---- the operator ----

  // Every two seconds, looks at what is STUCK and, after a while, retries it
  // (or, now and then while faults are on, skips the step it is stuck on).
  void OperatorRound() {
    queue_.At(clock_.NowMs() + 2'000, [this] { OperatorRound(); });
    if (!engine_) return;
    Result<std::vector<StreamId>> active = store_.ListActive();
    if (!active.ok()) return;
    for (const StreamId& instance : *active) {
      std::optional<std::string> stuck_step = StuckStep(instance);
      if (!stuck_step) continue;
      bool skip = world_.faults && !stuck_step->empty() && random_.Chance(0.2);
      std::string step = *stuck_step;
      queue_.At(clock_.NowMs() + random_.Between(0, 3'000), [this, instance, skip, step] { Act(instance, skip, step); });
    }
  }

  // nullopt: not stuck. Otherwise the saga step it is stuck on ("" for a tcc).
  std::optional<std::string> StuckStep(const StreamId& instance) {
    const AggregateBehavior* behavior = registry_->Find(instance.type);
    if (!behavior) return std::nullopt;
    Result<LoadedState> loaded = LoadState(store_, *behavior, instance);
    if (!loaded.ok()) return std::nullopt;
    if (instance.type == coordinator::tcc::kAggregateType) {
      if (coordinator::TccAggregate::Unbox(*loaded->state).status() != TccStatus::kStuck) return std::nullopt;
      return std::string();
    }
    const SagaState& s = coordinator::SagaAggregate::Unbox(*loaded->state);
    if (s.status() != SagaStatus::kStuck) return std::nullopt;
    for (const auto& [name, st] : s.steps) {
      if (st.status == coordinator::StepStatus::kInDoubt || st.status == coordinator::StepStatus::kCompensationFailed) {
        return name;
      }
    }
    return std::string();
  }

  void Act(const StreamId& instance, bool skip, const std::string& step) {
    if (!engine_) return;
    Command c;
    c.command_id = "operator/" + std::to_string(++operator_actions_);
    c.target = instance;
    c.type = skip ? coordinator::saga::kSkip : coordinator::saga::kRetry;
    c.payload = Json{{"actor", "simulated operator"}, {"reason", "seen STUCK"}};
    if (skip) c.payload["step"] = step;
    engine_->Execute(std::move(c), [](CommandResult) {});  // refused if the state moved on: fine
  }

  // ---- the schedule ----

  void Loop(SimulationReport& report) {
    std::vector<sagad::Loop*> ready;
    const std::int64_t limit = kStartMs + options_.chaos_ms + options_.calm_limit_ms;
    for (;;) {
      if (++report.turns > options_.max_turns) {
        report.violations.push_back({"", "the run did not settle within " + std::to_string(options_.max_turns) +
                                             " turns"});
        return;
      }
      ready.clear();
      if (executor_) executor_->AppendReady(ready);
      participant_executor_.AppendReady(ready);
      bool happening = queue_.DueBy(clock_.NowMs());
      std::size_t choices = ready.size() + (happening ? 1 : 0);
      if (choices > 0) {
        std::uint64_t pick = random_.Below(choices);
        if (pick < ready.size()) {
          ready[pick]->Turn();
        } else {
          queue_.RunNext();
        }
        continue;
      }
      if (Finished()) return;
      std::optional<std::int64_t> next = queue_.Next();
      for (std::optional<std::int64_t> wake :
           {executor_ ? executor_->NextWakeMs() : std::nullopt, participant_executor_.NextWakeMs()}) {
        if (wake && (!next || *wake < *next)) next = wake;
      }
      if (!next || *next > limit) return;
      clock_.Set(std::max(*next, clock_.NowMs() + 1));
    }
  }

  // Faults are over, every start was acknowledged and nothing is active.
  bool Finished() {
    if (world_.faults || !engine_) return false;
    for (const Planned& p : planned_) {
      if (!p.acknowledged) return false;
    }
    Result<std::vector<StreamId>> active = store_.ListActive();
    if (!active.ok() || !active->empty()) return false;
    return true;
  }

  // ---- the verdict ----

  void Check(SimulationReport& report) {
    CheckInput input;
    input.coordinator_store = &store_;
    input.participant_store = &participant_store_;
    input.catalog = catalog_.get();
    input.sent = &world_.sent;
    for (const Planned& p : planned_) {
      if (!p.acknowledged) {
        report.violations.push_back({p.key, "the client never had its start acknowledged"});
        continue;
      }
      input.instances.push_back(Instance{p.id, p.aggregate_type, p.definition});
    }
    for (const std::string& e : recovery_errors_) report.violations.push_back({"", "recovery failed: " + e});
    CheckResult checked = CheckInvariants(input);
    report.outcomes = std::move(checked.outcomes);
    for (Violation& v : checked.violations) report.violations.push_back(std::move(v));
    if (report.violations.empty()) return;
    std::string& out = report.details;
    for (const GeneratedDefinition& d : definitions_) out += d.text;
    out += "timeline (ms from the start):\n" + timeline_;
    std::set<std::string> shown;
    for (const Violation& v : report.violations) {
      for (const Planned& p : planned_) {
        if (p.id != v.instance || !shown.insert(p.id).second) continue;
        out += "history of " + p.aggregate_type + " " + p.id + " (input " + p.input.dump() + "):\n";
        out += History(store_, p.aggregate_type, p.id);
        out += "commands the engine sent for it (time: id attempt):\n";
        for (const Sent& sent : world_.sent) {
          if (sent.instance != p.id) continue;
          out += "  " + std::to_string(sent.at_ms - kStartMs) + ": " + sent.command_id + " attempt " +
                 std::to_string(sent.attempt) + "\n";
        }
      }
    }
  }

  std::uint64_t seed_;
  SimulationOptions options_;
  Random random_;
  testing::FakeClock clock_;
  EventQueue queue_;
  World world_;
  std::vector<GeneratedDefinition> definitions_;
  std::shared_ptr<coordinator::DefinitionCatalog> catalog_;
  std::vector<Planned> planned_;

  // The participants: a service of their own that never crashes here.
  SimulatedExecutor participant_executor_;
  MemoryEventStore participant_store_;
  AggregateRegistry participant_registry_;
  std::vector<participants::Participant> participants_;
  std::unique_ptr<AggregateRuntime> participant_runtime_;
  std::map<std::string, std::unique_ptr<participants::InProcessTransport>> in_process_;
  std::map<std::string, std::shared_ptr<SimulatedTransport>> transports_;

  // The coordinator: its store survives crashes, the rest does not.
  MemoryEventStore store_;
  FlakyStore flaky_;
  std::unique_ptr<SimulatedExecutor> executor_;
  std::unique_ptr<AggregateRegistry> registry_;
  std::unique_ptr<AggregateRuntime> runtime_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::string> recovery_errors_;
  std::string timeline_;
  int crashes_ = 0;
  int operator_actions_ = 0;
};

}  // namespace

SimulationReport RunSimulation(std::uint64_t seed, const SimulationOptions& options) {
  return Simulation(seed, options).Run();
}

}  // namespace sagad::simulation
