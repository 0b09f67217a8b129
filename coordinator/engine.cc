#include "coordinator/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <variant>

#include "coordinator/commands_to_send.h"
#include "coordinator/instance_id.h"
#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "coordinator/start_request.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "coordinator/timer_queue.h"
#include "core/runtime/mailbox.h"
#include "core/runtime/state_loader.h"

namespace sagad::coordinator {
namespace {

// A command's result, on its way to the worker that owns its instance.
struct CommandDone {
  StreamId instance;
  CommandResult result;
  // Engine-made commands (replies, timers) are resent after Unavailable:
  // this is the copy to resend. Callers' commands are answered instead.
  std::optional<Command> resend;
  CommandCallback done;
};
struct ArmIfUnarmed {
  StreamId instance;
  std::int64_t at_ms = 0;
};
// A participant's answer, turned into a HandleReply on the worker rather
// than on the transport's thread (for in-process participants that is the
// group committer's thread, which must get back to writing).
struct ReplyArrived {
  std::string aggregate_type;
  std::string command_id;
  int attempt = 1;
  std::string instance;
  Reply reply;
};
struct Poke {};
using Work = std::variant<CommandDone, ArmIfUnarmed, ReplyArrived, Poke>;

bool IsSaga(const std::string& aggregate_type) { return aggregate_type == saga::kAggregateType; }

// How often a worker looks for room while recovery resends wait for it.
constexpr std::int64_t kDeferredPollMs = 5;

}  // namespace

// A loop (a thread of its own in production, see core/runtime/executor.h)
// with a mailbox and the timers of the instances hashed to it.
class DispatchWorker final : public Loop {
 public:
  DispatchWorker(Engine::Impl* engine, Executor* executor);
  ~DispatchWorker() override { Stop(); }

  // False once stopped; `work` is then left untouched.
  bool Post(Work&& work) { return mailbox_.Push(std::move(work)); }
  void Stop() {
    mailbox_.Close();
    if (!joined_) {
      joined_ = true;
      executor_->Join(this);
    }
  }
  std::size_t armed() const { return armed_.load(); }
  // The worker taking a turn on this thread; nullptr outside any turn.
  static DispatchWorker* Current() { return current_; }
  std::optional<std::int64_t> TimerOf(const StreamId& instance) {
    std::lock_guard lock(timers_mu_);
    return timers_.At(instance);
  }

  // Loop: a turn handles what queued, then what is due.
  bool Turn() override;
  void Wait() override;
  bool Ready() const override;
  std::optional<std::int64_t> WakeAtMs() const override;

 private:
  void Handle(CommandDone& done);
  void RunDue();

  Engine::Impl* engine_;
  Executor* executor_;
  Mailbox<Work> mailbox_;
  std::vector<Work> items_;  // the turn's work
  mutable std::mutex timers_mu_;  // only for TimerOf from other threads
  TimerQueue timers_;
  std::multimap<std::int64_t, CommandDone> resends_;  // by when to resend
  std::atomic<std::size_t> armed_{0};
  bool joined_ = false;
  static thread_local DispatchWorker* current_;
};

thread_local DispatchWorker* DispatchWorker::current_ = nullptr;

class Engine::Impl {
 public:
  Impl(AggregateRuntime* runtime, const DefinitionCatalog* catalog, EngineOptions options)
      : runtime_(runtime),
        catalog_(catalog),
        options_(std::move(options)),
        saga_behavior_(MakeSagaAggregate(catalog)),
        tcc_behavior_(MakeTccAggregate(catalog)) {
    int workers = options_.workers > 0 ? options_.workers : 1;
    Executor* executor = options_.executor ? options_.executor : ThreadExecutor::Default();
    for (int i = 0; i < workers; ++i) workers_.push_back(std::make_unique<DispatchWorker>(this, executor));
  }
  ~Impl() { Stop(); }

  const EngineOptions& options() const { return options_; }
  std::int64_t now() const { return options_.clock->NowMs(); }
  bool stopping() const { return stopping_.load(); }

  // Sends a command for a Saga/Tcc instance; its result is handled by the
  // worker that owns the instance.
  // A duplicate result (the command id was applied before) is never
  // dispatched: its events are the first delivery's, dispatched by that
  // delivery's own result, and may be long superseded (a forward command
  // whose step has been compensated since). Unavailable means nothing was
  // written, so no first delivery can have landed unseen, unless the
  // process died, and then Recover() resends what the state awaits.
  void Submit(Command command, bool engine_made, CommandCallback done) {
    AddInFlight();
    CommandDone pending;
    pending.instance = command.target;
    pending.done = std::move(done);
    if (engine_made) pending.resend = command;
    runtime_->Send(std::move(command), [this, pending = std::move(pending)](CommandResult r) mutable {
      pending.result = std::move(r);
      DispatchWorker& worker = WorkerFor(pending.instance.id);
      Work work{std::move(pending)};
      if (!worker.Post(std::move(work))) {
        // Stopped: answer the caller; the rest is left to Recover().
        CommandDone& refused = std::get<CommandDone>(work);
        if (refused.done) refused.done(std::move(refused.result));
        FinishOne();
      }
    });
  }

  // Sends the participant commands `events` issued.
  void Dispatch(const std::vector<Event>& events, const std::string& aggregate_type) {
    for (OutgoingCommand& out : CommandsToSend(events)) Send(out, aggregate_type);
  }

  void Send(const OutgoingCommand& out, const std::string& aggregate_type) {
    stats_.commands_sent++;
    AddInFlight();
    auto on_reply = [this, aggregate_type, command_id = out.command_id, attempt = out.attempt,
                     instance = out.correlation_id](Reply reply) mutable {
      ReplyIn(ReplyArrived{std::move(aggregate_type), std::move(command_id), attempt, std::move(instance),
                           std::move(reply)});
    };
    auto it = options_.transports.find(out.participant);
    if (it == options_.transports.end()) {
      on_reply(Reply{Reply::Outcome::kTransient, "", Json::object(),
                     "no transport for participant '" + out.participant + "' (start sagad with --participant " +
                         out.participant + "=...)"});
      return;
    }
    it->second->Send(out, std::move(on_reply));
  }

  // Takes an answer (counted in flight) to the worker that owns its instance.
  void ReplyIn(ReplyArrived arrived) {
    DispatchWorker& worker = WorkerFor(arrived.instance);
    if (DispatchWorker::Current() == &worker) {  // answered inside Send, on the owning worker
      OnReply(arrived.aggregate_type, arrived.command_id, arrived.attempt, arrived.instance,
              std::move(arrived.reply));
      FinishOne();
      return;
    }
    if (!worker.Post(Work{std::move(arrived)})) FinishOne();  // stopped: Recover() resends
  }

  void DeliverReply(const StreamId& instance, const std::string& command_id, int attempt, Reply reply) {
    AddInFlight();
    ReplyIn(ReplyArrived{instance.type, command_id, attempt, instance.id, std::move(reply)});
  }

  // A participant's answer becomes a HandleReply on the instance. Its id
  // names the attempt and the outcome, so a redelivered reply is
  // deduplicated by the runtime while a different answer (to the same
  // attempt, or to another attempt of the same command) is still recorded.
  void OnReply(const std::string& aggregate_type, const std::string& command_id, int attempt,
               const std::string& instance, Reply reply) {
    stats_.replies++;
    Reply::Outcome outcome = reply.outcome;
    if (outcome == Reply::Outcome::kEvent && !IsSaga(aggregate_type)) outcome = Reply::Outcome::kSuccess;
    std::string outcome_name(OutcomeName(outcome));
    Command c;
    c.command_id = command_id + "/reply/" + std::to_string(attempt) + "/" + outcome_name;
    if (!reply.event_type.empty()) c.command_id += "/" + reply.event_type;
    c.target = StreamId{aggregate_type, instance};
    c.type = IsSaga(aggregate_type) ? saga::kHandleReply : tcc::kHandleReply;
    c.correlation_id = instance;
    c.causation_id = command_id;
    c.payload = Json{{"command_id", command_id}, {"attempt", attempt}, {"outcome", std::move(outcome_name)},
                     {"now_ms", now()}};
    if (!reply.event_type.empty()) c.payload["event_type"] = std::move(reply.event_type);
    if (!reply.data.is_null()) c.payload["data"] = std::move(reply.data);
    if (!reply.reason.empty()) c.payload["reason"] = std::move(reply.reason);
    Submit(std::move(c), /*engine_made=*/true, nullptr);
  }

  void FireTimer(const StreamId& instance) {
    std::int64_t at = now();
    Command c;
    c.command_id = instance.id + "/timer/" + std::to_string(at);
    c.target = instance;
    c.type = IsSaga(instance.type) ? saga::kTimerFired : tcc::kTimerFired;
    c.correlation_id = instance.id;
    c.payload = Json{{"now_ms", at}};
    Submit(std::move(c), /*engine_made=*/true, nullptr);
    stats_.timers_fired++;  // after Submit counted it in flight: WaitIdle cannot slip between
  }

  void StartInstance(StartSpec spec, StartCallback done) {
    if (options_.max_in_flight > 0 && Busy() >= options_.max_in_flight) {
      stats_.shed++;
      done(Status::Unavailable("sagad is at its limit of " + std::to_string(options_.max_in_flight) +
                               " commands in flight (--max-in-flight); retry later"));
      return;
    }
    std::shared_ptr<const CatalogEntry> entry =
        spec.version ? catalog_->Find(spec.definition, *spec.version) : catalog_->Latest(spec.definition);
    if (!entry) {
      done(Status::NotFound("no definition " + spec.definition +
                            (spec.version ? " version " + std::to_string(*spec.version) : "")));
      return;
    }
    if (!spec.input.is_object()) {
      done(Status::InvalidArgument("the input of " + spec.definition + " must be a JSON object"));
      return;
    }
    std::string id;
    if (!spec.idempotency_key.empty()) {
      id = InstanceIdForKey(spec.definition, spec.idempotency_key);
    } else {
      Result<std::string> key = EvaluateKey(entry->definition, spec.input);
      if (!key.ok()) {
        done(key.status());
        return;
      }
      id = key->empty() ? NewInstanceId(spec.definition) : InstanceIdForKey(spec.definition, *key);
    }
    bool saga = entry->definition.kind == dsl::DefinitionKind::kSaga;
    Command c;
    c.command_id = "start/" + id;
    c.target = StreamId{saga ? saga::kAggregateType : tcc::kAggregateType, id};
    c.type = saga ? saga::kStartSaga : tcc::kStartTcc;
    c.correlation_id = id;
    c.payload = Json{{"definition", spec.definition},
                     {"version", entry->definition.version},
                     {"input", std::move(spec.input)},
                     {"now_ms", now()}};
    std::string type = c.target.type;
    Submit(std::move(c), false, [this, done = std::move(done), id, type](CommandResult r) {
      if (!r.status.ok()) {
        done(r.status);
        return;
      }
      bool created = !r.duplicate && !r.events.empty();
      if (created) stats_.started++;
      done(Started{id, type, created});
    });
  }

  void Execute(Command command, CommandCallback done) {
    if (command.target.type != saga::kAggregateType && command.target.type != tcc::kAggregateType) {
      done(CommandResult{Status::InvalidArgument("the engine runs Saga and Tcc commands, not " + command.target.type),
                         {}, false});
      return;
    }
    if (command.payload.is_object() && !command.payload.contains("now_ms")) command.payload["now_ms"] = now();
    if (command.correlation_id.empty()) command.correlation_id = command.target.id;
    Submit(std::move(command), false, std::move(done));
  }

  Result<std::size_t> Recover() {
    Result<std::vector<StreamId>> active = runtime_->store()->ListActive();
    if (!active.ok()) return active.status().WithContext("listing active instances");
    std::size_t resumed = 0;
    for (const StreamId& instance : *active) {
      bool saga = IsSaga(instance.type);
      if (!saga && instance.type != tcc::kAggregateType) continue;
      const AggregateBehavior& behavior = saga ? static_cast<const AggregateBehavior&>(*saga_behavior_)
                                               : static_cast<const AggregateBehavior&>(*tcc_behavior_);
      Result<LoadedState> loaded = LoadState(*runtime_->store(), behavior, instance);
      if (!loaded.ok()) {
        spdlog::error("recovery: cannot load {}: {}", instance.ToString(), loaded.status().ToString());
        continue;
      }
      std::vector<OutgoingCommand> outstanding =
          saga ? OutstandingCommands(SagaAggregate::Unbox(*loaded->state))
               : OutstandingCommands(TccAggregate::Unbox(*loaded->state));
      for (OutgoingCommand& out : outstanding) {
        stats_.resends++;
        if (options_.recovery_window > 0) {
          Defer(std::move(out), instance.type);
        } else {
          Send(out, instance.type);
        }
      }
      Activity activity = behavior.ActivityOf(*loaded->state);
      if (activity.wake_at_ms) {
        AddInFlight();  // until the worker has armed it
        if (!WorkerFor(instance.id).Post(Work{ArmIfUnarmed{instance, *activity.wake_at_ms}})) FinishOne();
      }
      resumed++;
    }
    stats_.recovered += resumed;
    if (resumed > 0) {
      spdlog::info("recovery: resumed {} unfinished instances; {} of their commands wait to be resent", resumed,
                   recovery_backlog_.load());
    }
    SendDeferred();
    return resumed;
  }

  // Recovery's resends beyond the window wait here, counted in flight (so
  // WaitIdle and Stop see them), until answers make room; any worker's turn
  // sends what fits (SendDeferred).
  void Defer(OutgoingCommand out, const std::string& aggregate_type) {
    AddInFlight();
    std::lock_guard lock(deferred_mu_);
    deferred_.emplace_back(std::move(out), aggregate_type);
    recovery_backlog_++;
  }
  bool CanSendDeferred() const {
    return recovery_backlog_.load() > 0 && Busy() < options_.recovery_window;
  }
  // On every worker turn: costs one atomic load unless recovery left a backlog.
  void SendDeferred() {
    while (CanSendDeferred() && !stopping()) {
      std::pair<OutgoingCommand, std::string> next;
      {
        // Room checked and taken under the lock, so that two workers
        // sending at once do not both take the last place in the window.
        std::lock_guard lock(deferred_mu_);
        if (deferred_.empty() || Busy() >= options_.recovery_window) return;
        next = std::move(deferred_.front());
        deferred_.pop_front();
        recovery_backlog_--;  // busy from now on: still in flight, no longer waiting
      }
      Send(next.first, next.second);
      FinishOne();  // after Send counted it: WaitIdle never sees a gap
    }
  }
  // Left to the next Recover() (the commands are in the store's state).
  void DropDeferred() {
    std::lock_guard lock(deferred_mu_);
    for (std::size_t i = 0; i < deferred_.size(); ++i) {
      recovery_backlog_--;
      FinishOne();
    }
    deferred_.clear();
  }

  // What is in flight beyond the recovery resends still waiting.
  std::int64_t Busy() const { return in_flight_.load() - recovery_backlog_.load(); }

  Status SubscribeStartEvents(const std::string& consumer) {
    return runtime_->Subscribe(consumer, [this](const std::vector<Event>& events) { return StartFrom(events); });
  }

  void PokeTimers() {
    for (auto& w : workers_) {
      AddInFlight();  // until the worker has run what is due: WaitIdle covers it
      if (!w->Post(Work{Poke{}})) FinishOne();
    }
  }

  bool WaitIdle(std::int64_t timeout_ms, std::int64_t withheld) {
    std::unique_lock lock(idle_mu_);
    idle_waiters_++;
    bool idle = idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                  [&] { return in_flight_.load() <= withheld; });
    idle_waiters_--;
    return idle;
  }

  void Stop() {
    if (stopping_.exchange(true)) return;
    for (auto& w : workers_) w->Stop();
    DropDeferred();
  }

  EngineStats Stats() const {
    EngineStats s;
    s.started = stats_.started;
    s.commands_sent = stats_.commands_sent;
    s.replies = stats_.replies;
    s.timers_fired = stats_.timers_fired;
    s.resends = stats_.resends;
    s.recovered = stats_.recovered;
    s.refused = stats_.refused;
    for (const auto& w : workers_) s.armed_timers += w->armed();
    s.in_flight = in_flight_.load();
    s.shed = stats_.shed;
    s.recovery_backlog = recovery_backlog_.load();
    return s;
  }

  std::optional<std::int64_t> TimerOf(const StreamId& instance) { return WorkerFor(instance.id).TimerOf(instance); }

  DispatchWorker& WorkerFor(const std::string& id) {
    return *workers_[std::hash<std::string>{}(id) % workers_.size()];
  }

  void AddInFlight() { in_flight_++; }
  // On every command and reply: the lock and the wake-up are paid only while
  // someone waits in WaitIdle (tests, benchmarks, shutdown tools).
  void FinishOne() {
    in_flight_--;
    if (idle_waiters_.load() == 0) return;
    std::lock_guard lock(idle_mu_);
    idle_cv_.notify_all();
  }

  struct Counters {
    std::atomic<std::uint64_t> started{0}, commands_sent{0}, replies{0}, timers_fired{0}, resends{0}, recovered{0},
        refused{0}, shed{0};
  };
  Counters stats_;

 private:
  // Starts an instance of every definition whose `start on` names one of
  // `events`, and waits until those starts are durable so the subscription's
  // checkpoint never passes an event whose instance was not started.
  Status StartFrom(const std::vector<Event>& events) {
    std::vector<std::pair<std::string, std::shared_ptr<const CatalogEntry>>> starters;
    for (const auto& [name, version] : catalog_->List()) {
      std::shared_ptr<const CatalogEntry> latest = catalog_->Latest(name);
      if (latest && latest->definition.version == version && latest->definition.start_event) {
        starters.emplace_back(name, latest);
      }
    }
    if (starters.empty()) return Status::Ok();
    std::vector<std::future<Result<Started>>> started;
    for (const Event& e : events) {
      auto participant = options_.participant_of_type.find(e.stream.type);
      for (const auto& [name, entry] : starters) {
        const dsl::QualifiedName& on = *entry->definition.start_event;
        if (on.name != e.type) continue;
        if (participant != options_.participant_of_type.end() && participant->second != on.participant) continue;
        StartSpec spec{name, entry->definition.version, e.payload.is_object() ? e.payload : Json::object(), ""};
        // Without a key, the event itself names the instance: redelivery
        // of the same event starts nothing new.
        if (!entry->definition.key) spec.idempotency_key = e.stream.ToString() + "@" + std::to_string(e.version);
        started.push_back(StartOne(std::move(spec)));
      }
    }
    for (auto& f : started) {
      Result<Started> r = f.get();
      if (r.ok()) continue;
      if (r.status().Is(StatusCode::kUnavailable)) return r.status();  // deliver again
      spdlog::warn("start on event: {}", r.status().ToString());    // bad input: nothing to retry
    }
    return Status::Ok();
  }

  std::future<Result<Started>> StartOne(StartSpec spec) {
    auto promise = std::make_shared<std::promise<Result<Started>>>();
    auto future = promise->get_future();
    StartInstance(std::move(spec), [promise](Result<Started> r) { promise->set_value(std::move(r)); });
    return future;
  }

  friend class DispatchWorker;
  friend class Engine;

  AggregateRuntime* runtime_;
  const DefinitionCatalog* catalog_;
  EngineOptions options_;
  std::shared_ptr<SagaAggregate> saga_behavior_;
  std::shared_ptr<TccAggregate> tcc_behavior_;
  std::vector<std::unique_ptr<DispatchWorker>> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> in_flight_{0};
  std::mutex deferred_mu_;
  std::deque<std::pair<OutgoingCommand, std::string>> deferred_;  // recovery resends, with their aggregate type
  std::atomic<std::int64_t> recovery_backlog_{0};                 // deferred_.size(), read without the lock
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::atomic<int> idle_waiters_{0};  // changed under idle_mu_
};

// ---- DispatchWorker ----

DispatchWorker::DispatchWorker(Engine::Impl* engine, Executor* executor) : engine_(engine), executor_(executor) {
  executor_->Start(this);
}

void DispatchWorker::Wait() {
  std::int64_t wait = engine_->options().timer_poll_ms;
  std::optional<std::int64_t> next = WakeAtMs();
  if (next) wait = std::clamp<std::int64_t>(*next - engine_->now(), 0, wait);
  // Room for recovery's resends is made by any worker's answers: look often
  // while some wait (only during a recovery).
  if (engine_->recovery_backlog_.load() > 0) wait = std::min<std::int64_t>(wait, kDeferredPollMs);
  mailbox_.WaitReadyFor(std::chrono::milliseconds(wait));
}

bool DispatchWorker::Ready() const {
  if (mailbox_.Ready() || engine_->CanSendDeferred()) return true;
  std::optional<std::int64_t> next = WakeAtMs();
  return next && *next <= engine_->now();
}

std::optional<std::int64_t> DispatchWorker::WakeAtMs() const {
  std::optional<std::int64_t> next;
  {
    std::lock_guard lock(timers_mu_);
    next = timers_.Next();
  }
  if (!resends_.empty() && (!next || resends_.begin()->first < *next)) next = resends_.begin()->first;
  return next;
}

bool DispatchWorker::Turn() {
  DispatchWorker* outer = current_;
  current_ = this;
  Mailbox<Work>::Drained drained = mailbox_.TryDrain(items_);
  if (drained == Mailbox<Work>::Drained::kClosed) {
    // Resends still waiting are left to the next Recover().
    for (std::size_t i = 0; i < resends_.size(); ++i) engine_->FinishOne();
    resends_.clear();
    current_ = outer;
    return false;
  }
  for (Work& w : items_) {
    if (auto* done = std::get_if<CommandDone>(&w)) {
      Handle(*done);
    } else if (auto* r = std::get_if<ReplyArrived>(&w)) {
      engine_->OnReply(r->aggregate_type, r->command_id, r->attempt, r->instance, std::move(r->reply));
      engine_->FinishOne();
    } else if (auto* arm = std::get_if<ArmIfUnarmed>(&w)) {
      {
        std::lock_guard lock(timers_mu_);
        timers_.SetIfUnarmed(arm->instance, arm->at_ms);
      }
      engine_->FinishOne();
    }
  }
  std::size_t pokes = static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Work& w) { return std::holds_alternative<Poke>(w); }));
  items_.clear();
  RunDue();
  engine_->SendDeferred();
  for (std::size_t i = 0; i < pokes; ++i) engine_->FinishOne();  // after what they made due was submitted
  armed_.store(timers_.size());
  current_ = outer;
  return true;
}

void DispatchWorker::Handle(CommandDone& done) {
  CommandResult& r = done.result;
  bool retry = r.status.Is(StatusCode::kUnavailable) || r.status.Is(StatusCode::kConflict);
  if (retry && done.resend && !engine_->stopping()) {
    // Nothing was written: send the same command again after a pause.
    engine_->stats_.resends++;
    resends_.emplace(engine_->now() + engine_->options().resend_pause_ms, std::move(done));
    return;
  }
  if (r.status.ok()) {
    if (!r.duplicate) engine_->Dispatch(r.events, done.instance.type);
    if (!r.duplicate && !r.events.empty() && engine_->options().on_committed) {
      engine_->options().on_committed(done.instance, r.events);
    }
    if (r.activity) {
      std::lock_guard lock(timers_mu_);
      timers_.Set(done.instance, r.activity->wake_at_ms);
    }
  } else if (!done.done && !retry) {
    engine_->stats_.refused++;
    spdlog::warn("{} refused {}: {}", done.instance.ToString(), done.resend ? done.resend->type : "a command",
                 r.status.ToString());
  }
  if (done.done) done.done(std::move(r));
  engine_->FinishOne();
}

void DispatchWorker::RunDue() {
  std::int64_t now = engine_->now();
  while (!resends_.empty() && resends_.begin()->first <= now) {
    CommandDone pending = std::move(resends_.begin()->second);
    resends_.erase(resends_.begin());
    Command command = std::move(*pending.resend);
    engine_->Submit(std::move(command), true, nullptr);
    engine_->FinishOne();  // after the resend counts: WaitIdle never sees a gap
  }
  std::vector<StreamId> due;
  {
    std::lock_guard lock(timers_mu_);
    due = timers_.PopDue(now);
  }
  for (const StreamId& instance : due) engine_->FireTimer(instance);
}

// ---- Engine ----

Result<std::unique_ptr<Engine>> Engine::Start(AggregateRuntime* runtime, const DefinitionCatalog* catalog,
                                              EngineOptions options) {
  if (!runtime || !catalog) return Status::InvalidArgument("the engine needs a runtime and a definition catalog");
  for (const auto& [name, transport] : options.transports) {
    if (!transport) return Status::InvalidArgument("participant '" + name + "' has no transport");
  }
  return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(runtime, catalog, std::move(options))));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { impl_->Stop(); }

Result<std::size_t> Engine::Recover() { return impl_->Recover(); }
Status Engine::SubscribeStartEvents(const std::string& consumer) { return impl_->SubscribeStartEvents(consumer); }

void Engine::StartInstance(StartSpec spec, StartCallback done) { impl_->StartInstance(std::move(spec), std::move(done)); }
std::future<Result<Started>> Engine::StartInstance(StartSpec spec) { return impl_->StartOne(std::move(spec)); }

void Engine::Execute(Command command, CommandCallback done) { impl_->Execute(std::move(command), std::move(done)); }
std::future<CommandResult> Engine::Execute(Command command) {
  auto promise = std::make_shared<std::promise<CommandResult>>();
  auto future = promise->get_future();
  impl_->Execute(std::move(command), [promise](CommandResult r) { promise->set_value(std::move(r)); });
  return future;
}

void Engine::DeliverReply(const StreamId& instance, const std::string& command_id, int attempt, Reply reply) {
  impl_->DeliverReply(instance, command_id, attempt, std::move(reply));
}
void Engine::PokeTimers() { impl_->PokeTimers(); }
bool Engine::WaitIdle(std::int64_t timeout_ms, std::int64_t withheld_replies) {
  return impl_->WaitIdle(timeout_ms, withheld_replies);
}
void Engine::Stop() { impl_->Stop(); }
EngineStats Engine::Stats() const { return impl_->Stats(); }
std::optional<std::int64_t> Engine::TimerOf(const StreamId& instance) const { return impl_->TimerOf(instance); }

}  // namespace sagad::coordinator
