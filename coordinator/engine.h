// Engine: the coordinator's dispatcher. It drives Saga and Tcc instances
// (aggregates on core's AggregateRuntime) by doing the I/O their pure
// Decide/Evolve cannot:
//
//   * after every committed command, sends the participant commands its
//     events issued (CommandsToSend) through the participant's Transport;
//   * turns each participant reply into a HandleReply command, correlated by
//     the command id it answers;
//   * keeps one timer per instance at the time its last result asked for
//     (Activity::wake_at_ms) and sends TimerFired when it is due;
//   * on Recover(), resumes every instance of the store's active index:
//     resends the commands still waiting for a reply and re-arms timers;
//   * starts instances from the API or from `start on` events.
//
// Commands are sent only after the events that issued them are durable, and
// their ids are deterministic, so a resend after a crash is harmless.
//
//   auto engine = Engine::Start(runtime, catalog, options);
//   engine->Recover();
//   engine->StartInstance({"PlaceOrder", std::nullopt, input}).get();
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "coordinator/definition_catalog.h"
#include "coordinator/transport.h"
#include "core/clock.h"
#include "core/runtime/aggregate_runtime.h"

namespace sagad::coordinator {

struct EngineOptions {
  // Participant name (as the .saga files write it) -> transport. A command
  // for a participant without one is answered "transient" (and so retried,
  // then failed or STUCK, visibly) rather than dropped.
  std::map<std::string, std::shared_ptr<Transport>> transports;
  // Dispatch workers; each owns the timers of the instances hashed to it.
  int workers = 2;
  // Runs the dispatch workers (core/runtime/executor.h); null: a thread
  // each. The simulation runs them, and the runtime's loops, on one thread.
  Executor* executor = nullptr;
  const Clock* clock = SystemClock::Default();
  // A worker re-checks its timers at least this often (so a test's fake
  // clock is noticed without a real wait of the fake duration).
  int timer_poll_ms = 200;
  // Pause before resending a command the runtime answered Unavailable.
  int resend_pause_ms = 100;
  // Admission: while this many runtime commands and participant calls are
  // in flight, a start is refused with Unavailable ("retry later"; over
  // HTTP a 503 with Retry-After) instead of queued. Beyond its capacity
  // sagad then sheds load at the door, and its queues, its memory and the
  // latency of what it admitted stay bounded. 0: no limit.
  std::int64_t max_in_flight = 0;
  // Recover() resends the outstanding commands of unfinished instances at
  // most this many in flight at once, the rest as answers come back, so a
  // restart with many unfinished sagas does not call every participant at
  // once. 0: all at once.
  std::int64_t recovery_window = 0;
  // Aggregate type -> participant name, to match `start on participant.Event`
  // against events of in-process participants. Without an entry, the event
  // type alone is matched.
  std::map<std::string, std::string> participant_of_type;
  // Called on a dispatch worker with every instance's newly committed events
  // (metrics, projections). Keep it cheap.
  std::function<void(const StreamId& instance, const std::vector<Event>& committed)> on_committed;
};

// What to start: a definition by name (latest version unless given).
struct StartSpec {
  std::string definition;
  std::optional<int> version;
  Json input = Json::object();
  // Same key -> same instance. Empty: the definition's `key` over the input,
  // or, without one, a new instance every time.
  std::string idempotency_key;
};

struct Started {
  std::string id;
  std::string aggregate_type;  // "Saga" or "Tcc"
  bool created = false;        // false: the key named an existing instance
};

struct EngineStats {
  std::uint64_t started = 0;
  std::uint64_t commands_sent = 0;    // to participants
  std::uint64_t replies = 0;          // from participants
  std::uint64_t timers_fired = 0;
  std::uint64_t resends = 0;          // after Unavailable, and by recovery
  std::uint64_t recovered = 0;        // instances resumed by Recover()
  std::uint64_t refused = 0;          // engine-made commands the aggregate refused (logged)
  std::size_t armed_timers = 0;
  std::int64_t in_flight = 0;         // runtime commands and queued work not yet handled
  std::uint64_t shed = 0;             // starts refused at max_in_flight
  std::int64_t recovery_backlog = 0;  // recovery resends waiting for room in recovery_window
};

class Engine {
 public:
  // `runtime` must have RegisterCoordinatorAggregates(.., catalog) in its
  // registry; both must outlive the engine.
  static Result<std::unique_ptr<Engine>> Start(AggregateRuntime* runtime, const DefinitionCatalog* catalog,
                                               EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Resumes every active instance in the store. Call once, before traffic.
  // Returns how many were resumed.
  Result<std::size_t> Recover();

  // Consumes committed events (durable checkpoint `consumer`) and starts an
  // instance of every definition whose `start on` names the event.
  Status SubscribeStartEvents(const std::string& consumer = "sagad.start-on");

  using StartCallback = std::function<void(Result<Started>)>;
  void StartInstance(StartSpec spec, StartCallback done);
  std::future<Result<Started>> StartInstance(StartSpec spec);

  // Any command for a Saga/Tcc instance (the operator actions: Retry, Skip,
  // Abort, Pause, Resume). Its `now_ms` is set from the engine's clock when
  // absent; what it issues is dispatched. `done` gets the runtime's answer.
  void Execute(Command command, CommandCallback done);
  std::future<CommandResult> Execute(Command command);

  // A participant's answer to `command_id` (attempt `attempt`) that arrives
  // on its own rather than through a Send callback: a reply topic, a
  // redelivered message. A repeat of an answer already recorded changes
  // nothing.
  void DeliverReply(const StreamId& instance, const std::string& command_id, int attempt, Reply reply);

  // Re-checks due timers now (tests advance a fake clock, then call this).
  void PokeTimers();
  // Waits until no command is in flight, no work is queued and every
  // participant command was answered, except `withheld_replies` answers a
  // test's participant holds back on purpose. False on timeout.
  bool WaitIdle(std::int64_t timeout_ms, std::int64_t withheld_replies = 0);

  // Stops dispatching; what is in flight is finished or left to Recover().
  // Does not stop the transports or the runtime. Idempotent.
  void Stop();

  EngineStats Stats() const;
  std::optional<std::int64_t> TimerOf(const StreamId& instance) const;

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad::coordinator
