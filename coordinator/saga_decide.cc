// Decide for the saga aggregate. Each handler works on a copy of the state:
// every event it emits is applied to the copy at once (Emit), so the next
// decision in the same command sees it. No I/O, no clock: times come from the
// command's now_ms.
//
// The rules that make COMPENSATED mean "every forward effect was undone or
// proven absent" (docs/architecture.md, "Saga semantics"):
//  * one command id per (saga, step, phase); retries resend it unchanged;
//  * a success or a failure is definitive whichever attempt it answers; a
//    transient answer or a timeout leaves the step in doubt;
//  * an in-doubt step is resolved (resent) before the saga can end, and a
//    success found that way is compensated; out of budget -> STUCK on it;
//  * a step's forward command is never sent once its compensation was.
#include <algorithm>

#include "coordinator/saga_decide.h"
#include "coordinator/start_request.h"
#include "coordinator/saga_events.h"
#include "saga-dsl/expression.h"

namespace sagad::coordinator {
namespace {

using dsl::Step;

Json AtMs(std::int64_t now) { return Json{{"at_ms", now}}; }

class SagaDecider {
 public:
  SagaDecider(const SagaState& state, const DefinitionCatalog* catalog, std::int64_t now)
      : s_(state), catalog_(catalog), now_(now) {}

  Events Take() { return std::move(events_); }
  const SagaState& state() const { return s_; }
  std::int64_t now() const { return now_; }

  void Emit(const char* type, Json payload) {
    Event e;
    e.stream = {saga::kAggregateType, s_.saga_id};
    e.type = type;
    e.payload = std::move(payload);
    ApplySagaEvent(s_, e, catalog_);
    events_.push_back(EventData{type, std::move(e.payload)});
  }

  const dsl::Definition& def() const { return s_.definition->definition; }
  StepState& st(const std::string& name) { return s_.steps[name]; }

  // ---- forward ----

  // Sends the step's command: the first attempt, a retry, or a resend that
  // resolves an in-doubt step. Every attempt carries the same command id and
  // exactly the command the first one carried.
  void IssueStep(const Step& step) {
    StepState& st = this->st(step.name);
    std::string id = CommandIdFor(s_.saga_id, step.name, saga::kPhaseDo);
    Result<OutgoingCommand> c = st.sent && st.sent->command_id == id
                                    ? Result<OutgoingCommand>(*st.sent)
                                    : BuildCommand(step.send, s_.context, id, s_.saga_id);
    if (!c.ok()) {  // nothing was sent: the step failed, provably without effect
      Emit(saga::kStepFailed, Json{{"step", step.name},
                                   {"reason", "cannot build command: " + c.status().message()},
                                   {"at_ms", now_}});
      return;
    }
    c->attempt = st.attempts + 1;
    c->compensable = step.compensate.has_value();
    Json p = {{"step", step.name}, {"phase", saga::kPhaseDo}};
    WriteCommandFields(*c, p);
    p["deadline_ms"] = now_ + step.timeout_ms;
    p["issued_ms"] = now_;
    Emit(saga::kStepCommandIssued, std::move(p));
  }

  // A forward attempt ended without an outcome (timeout, transient error).
  // Running forward: retry within the step's budget, then the step is in
  // doubt and the saga compensates. Compensating: resend within the step's
  // resolution budget, then STUCK on the step: it is never abandoned.
  void RetryOrResolve(const Step& step, const std::string& reason) {
    StepState& st = this->st(step.name);
    int used = st.attempts - st.budget_base;
    std::string id = CommandIdFor(s_.saga_id, step.name, saga::kPhaseDo);
    int next = st.attempts + 1;
    if (s_.phase == SagaState::Phase::kForward) {
      if (used < step.retry.max_attempts) {
        ScheduleRetry(step.name, saga::kPhaseDo, next, now_ + BackoffMs(step.retry, next, id), reason);
        return;
      }
      Emit(saga::kStepInDoubt, Json{{"step", step.name},
                                    {"reason", reason + " (attempt " + std::to_string(used) + " of " +
                                                   std::to_string(step.retry.max_attempts) + ", outcome unknown)"},
                                    {"attempts", st.attempts},
                                    {"at_ms", now_}});
      used = st.attempts - st.budget_base;  // the resolution budget starts now
    }
    if (used < step.resolve_retry.retries()) {
      ScheduleRetry(step.name, saga::kPhaseDo, next, now_ + BackoffMs(step.resolve_retry, next, id),
                    reason + " (resolving: the saga is compensating)");
      return;
    }
    Emit(saga::kSagaStuck, Json{{"step", step.name},
                                {"phase", saga::kPhaseDo},
                                {"reason", "step " + step.name + " is in doubt: no definitive answer after " +
                                               std::to_string(st.attempts) + " attempts (" + reason +
                                               "); retry it, or skip it if nothing needs undoing"},
                                {"at_ms", now_}});
  }

  // ---- compensation ----
  void IssueCompensation(const Step& step) {
    StepState& st = this->st(step.name);
    int attempt = st.compensation_attempts + 1;
    std::string id = CommandIdFor(s_.saga_id, step.name, saga::kPhaseCompensate, st.compensation_revision);
    const Json* override_payload = st.payload_override ? &*st.payload_override : nullptr;
    Result<OutgoingCommand> c = st.sent && st.sent->command_id == id
                                    ? Result<OutgoingCommand>(*st.sent)
                                    : BuildCommand(*step.compensate, s_.context, id, s_.saga_id, override_payload);
    if (!c.ok()) {
      // Retrying would evaluate the same expression again: stuck at once.
      std::string reason = "cannot build compensation command: " + c.status().message();
      Emit(saga::kCompensationFailed,
           Json{{"step", step.name}, {"attempt", attempt}, {"reason", reason}, {"at_ms", now_}});
      Stick(step.name, saga::kPhaseCompensate, reason);
      return;
    }
    c->attempt = attempt;
    c->compensates = ForwardCommand{CommandIdFor(s_.saga_id, step.name, saga::kPhaseDo), step.send.command_type(),
                                    st.forward_target};
    Json p = {{"step", step.name}, {"phase", saga::kPhaseCompensate}};
    WriteCommandFields(*c, p);
    p["deadline_ms"] = now_ + step.timeout_ms;
    p["issued_ms"] = now_;
    Emit(saga::kCompensationIssued, std::move(p));
  }

  // A compensation attempt ended without an outcome: resend it (same id)
  // within the compensation budget, then STUCK.
  void RetryCompensationOrStick(const Step& step, const std::string& reason) {
    StepState& st = this->st(step.name);
    int used = st.compensation_attempts - st.compensation_budget_base;
    if (used < step.compensation_retry.max_attempts) {
      int next = st.compensation_attempts + 1;
      std::string id = CommandIdFor(s_.saga_id, step.name, saga::kPhaseCompensate, st.compensation_revision);
      ScheduleRetry(step.name, saga::kPhaseCompensate, next, now_ + BackoffMs(step.compensation_retry, next, id),
                    reason);
      return;
    }
    Stick(step.name, saga::kPhaseCompensate,
          "compensation of step " + step.name + " failed after " + std::to_string(used) + " attempts: " + reason);
  }

  void Stick(const std::string& step, const char* phase, const std::string& reason) {
    Emit(saga::kSagaStuck, Json{{"step", step}, {"phase", phase}, {"reason", reason}, {"at_ms", now_}});
  }

  EmitFn emitter() {
    return [this](const char* type, Json payload) { Emit(type, std::move(payload)); };
  }

  void IssueFinal(const std::optional<dsl::CommandSpec>& spec, const char* kind) {
    IssueFinalCommand(emitter(), s_.commands, spec, kind, s_.context, s_.saga_id, now_);
  }

  // Retries whose time has come (not while paused). A forward retry while
  // compensating is the resolution of an in-doubt step.
  void IssueDueRetries() {
    if (s_.paused || s_.finished()) return;
    for (const Step& step : def().steps) {
      StepState& st = this->st(step.name);
      if (st.retry_at_ms > now_) continue;
      if (st.status == StepStatus::kRetryWaiting) {
        IssueStep(step);
      } else if (st.status == StepStatus::kCompensationRetryWaiting && s_.compensating()) {
        IssueCompensation(step);
      }
    }
  }

  // Issues whatever the state allows next: ready steps, completion,
  // compensations whose dependents are settled, the end of compensation.
  void Progress() {
    if (s_.paused || s_.finished() || !s_.definition) return;
    if (s_.phase == SagaState::Phase::kForward) ProgressForward();
    if (s_.compensating()) ProgressCompensation();
  }

 private:
  void ScheduleRetry(const std::string& step, const char* phase, int attempt, std::int64_t at,
                     const std::string& reason) {
    Emit(saga::kRetryScheduled,
         Json{{"step", step}, {"phase", phase}, {"attempt", attempt}, {"at_ms", at}, {"reason", reason}});
  }

  bool AllSucceeded(const std::vector<std::string>& names) {
    return std::all_of(names.begin(), names.end(),
                       [&](const std::string& n) { return st(n).status == StepStatus::kSucceeded; });
  }

  void ProgressForward() {
    for (const Step& step : def().steps) {
      if (s_.phase != SagaState::Phase::kForward) return;  // a build error started compensation
      if (st(step.name).status == StepStatus::kPending && AllSucceeded(step.after)) IssueStep(step);
    }
    if (s_.phase != SagaState::Phase::kForward) return;
    for (const Step& step : def().steps) {
      if (st(step.name).status != StepStatus::kSucceeded) return;
    }
    Emit(saga::kSagaCompleted, AtMs(now_));
    IssueFinal(def().on_completed, "on_completed");
  }

  // Nothing more will happen to the step that would need undoing first. An
  // in-doubt step is not settled: it may yet turn out to have succeeded.
  static bool Settled(StepStatus status) {
    return status == StepStatus::kPending || status == StepStatus::kFailed || status == StepStatus::kCompensated ||
           status == StepStatus::kCompensationSkipped || status == StepStatus::kSkipped;
  }

  bool DependentsSettled(const Step& step) {
    for (const Step& other : def().steps) {
      if (std::find(other.after.begin(), other.after.end(), step.name) == other.after.end()) continue;
      if (!Settled(st(other.name).status)) return false;
    }
    return true;
  }

  void ProgressCompensation() {
    // Undo completed steps once every step after them is settled, until
    // nothing changes (a skip settles a step at once).
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = def().steps.rbegin(); it != def().steps.rend(); ++it) {
        const Step& step = *it;
        if (st(step.name).status != StepStatus::kSucceeded || !DependentsSettled(step)) continue;
        if (!step.compensate) {
          Emit(saga::kCompensationSkipped, Json{{"step", step.name}, {"reason", "step has no compensate clause"}});
        } else {
          IssueCompensation(step);
        }
        changed = true;
      }
    }
    // COMPENSATED only once every step is settled: nothing in doubt, so
    // nothing can arrive later that would need undoing.
    if (s_.phase != SagaState::Phase::kCompensating) return;
    for (const Step& step : def().steps) {
      if (!Settled(st(step.name).status)) return;
    }
    Emit(saga::kSagaCompensated, AtMs(now_));
    IssueFinal(def().on_compensated, "on_compensated");
  }

  SagaState s_;
  const DefinitionCatalog* catalog_;
  std::int64_t now_;
  Events events_;
};

std::int64_t NowOf(const Command& c) { return IntField(c.payload, "now_ms"); }

Status NeedsDefinition(const SagaState& s) {
  if (s.phase == SagaState::Phase::kNew) return Status::NotFound("saga " + s.saga_id + " has not been started");
  if (!s.definition) {
    return Status::FailedPrecondition("definition " + s.definition_name + " version " +
                                      std::to_string(s.definition_version) + " (hash " + s.definition_hash +
                                      ") is not loaded");
  }
  return Status::Ok();
}

// ---- StartSaga ----
Decision Start(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  if (s.phase != SagaState::Phase::kNew) return Events{};  // idempotent: already started
  Result<StartRequest> start = ReadStartRequest(c, catalog, dsl::DefinitionKind::kSaga, "saga_id");
  if (!start.ok()) return start.status();
  const std::string& saga_id = start->instance_id;
  const std::string& name = start->entry->definition.name;
  const std::shared_ptr<const CatalogEntry>& entry = start->entry;
  const Json& input = start->input;
  const std::string& key = start->key;
  std::int64_t now = NowOf(c);
  SagaState fresh = s;
  fresh.saga_id = saga_id;
  SagaDecider d(fresh, catalog, now);
  d.Emit(saga::kSagaStarted, Json{{"saga_id", saga_id},
                                  {"definition", name},
                                  {"version", entry->definition.version},
                                  {"hash", entry->hash},
                                  {"key", key},
                                  {"input", input},
                                  {"started_ms", now}});
  d.Progress();
  return d.Take();
}

// ---- HandleReply ----

// outcome "event": the participant's event type decides, by the step's
// `success` / `failure` lists ("participant.Type" or just "Type"). Any event
// answering a compensation or a final command is its success. Stays "event"
// when the type is in neither list (the reply is then recorded and ignored).
std::string ClassifyEvent(const SagaState& s, const std::string& id, const std::string& outcome,
                          const std::string& event_type) {
  if (outcome != "event") return outcome;
  auto it = s.commands.find(id);
  if (it == s.commands.end() || it->second.phase != saga::kPhaseDo) return "success";
  const Step* step = s.definition->definition.FindStep(it->second.step);
  if (!step) return outcome;
  auto matches = [&](const std::vector<dsl::QualifiedName>& names) {
    return std::any_of(names.begin(), names.end(), [&](const dsl::QualifiedName& n) {
      return n.ToString() == event_type || n.name == event_type;
    });
  };
  if (matches(step->success)) return "success";
  if (matches(step->failure)) return "failure";
  return outcome;
}

Json Captured(const Step& step, const Json& data) {
  Json captured = Json::object();
  for (const std::string& field : step.capture) {
    if (data.contains(field)) captured[field] = data[field];
  }
  return captured;
}

Decision Reply(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  const Json& p = c.payload;
  std::string id = StringField(p, "command_id");
  std::string outcome = StringField(p, "outcome");
  if (id.empty()) return Status::InvalidArgument("HandleReply needs 'command_id'");
  if (outcome != "success" && outcome != "failure" && outcome != "rejected" && outcome != "transient" &&
      outcome != "event") {
    return Status::InvalidArgument(
        "HandleReply 'outcome' must be success, failure, rejected, transient or event, not '" + outcome + "'");
  }
  std::string event_type = StringField(p, "event_type");
  if (outcome == "event" && event_type.empty()) {
    return Status::InvalidArgument("HandleReply with outcome 'event' needs 'event_type'");
  }
  outcome = ClassifyEvent(s, id, outcome, event_type);
  if (outcome == "rejected") outcome = "failure";
  std::string reason = StringField(p, "reason");
  if (reason.empty()) reason = event_type.empty() ? outcome : event_type;
  Json data = p.contains("data") && p["data"].is_object() ? p["data"] : Json::object();
  SagaDecider d(s, catalog, NowOf(c));
  Json record = {{"command_id", id}, {"outcome", outcome}, {"event_type", event_type}, {"reason", reason}};
  auto ignore = [&](const char* type, const std::string& why) {
    record["why"] = why;
    d.Emit(type, record);
    return d.Take();
  };

  auto ref_it = s.commands.find(id);
  if (ref_it == s.commands.end()) return ignore(saga::kLateReplyIgnored, "unknown command id");
  const CommandRef& ref = ref_it->second;
  int attempt = static_cast<int>(IntField(p, "attempt", ref.attempt));
  record["attempt"] = attempt;
  if (ref.answered) return ignore(saga::kDuplicateReplyIgnored, "this command's outcome is already recorded");
  if (outcome == "event") {
    return ignore(saga::kLateReplyIgnored,
                  "event " + event_type + " is neither a success nor a failure event of step " + ref.step);
  }
  bool definitive = outcome != "transient";
  if (ref.step.empty()) {  // a final command
    AnswerFinalCommand(d.emitter(), s.finals, id, attempt, outcome, reason, d.now());
    return d.Take();
  }
  const Step* step = d.def().FindStep(ref.step);
  if (!step) return ignore(saga::kLateReplyIgnored, "step " + ref.step + " is not in the definition");
  const StepState& st = *s.step(ref.step);
  if (s.finished()) {
    return ignore(saga::kLateReplyIgnored, "the saga is " + std::string(SagaStatusName(s.status())));
  }
  auto not_awaited = [&](const std::string& what) {
    return ignore(saga::kLateReplyIgnored, what + " to attempt " + std::to_string(attempt) + " of step " +
                                               step->name + ", which is " + std::string(StepStatusName(st.status)));
  };

  if (ref.phase == saga::kPhaseDo) {
    bool latest = st.status == StepStatus::kRunning && attempt == st.attempts;
    if (definitive) {
      // Whichever attempt it answers, it is the step's outcome: the
      // participant ran the command once, or refused it for good.
      if (!st.in_doubt()) return not_awaited("answer");
      if (outcome == "success") {
        d.Emit(saga::kStepSucceeded, Json{{"step", step->name}, {"command_id", id}, {"attempt", attempt},
                                          {"event_type", event_type}, {"captured", Captured(*step, data)},
                                          {"late", !latest}, {"at_ms", d.now()}});
      } else {
        d.Emit(saga::kStepFailed, Json{{"step", step->name}, {"reason", reason}, {"command_id", id},
                                       {"attempt", attempt}, {"at_ms", d.now()}});
      }
    } else {
      if (!latest) return not_awaited("transient answer");
      d.Emit(saga::kAttemptFailed, Json{{"step", step->name}, {"phase", saga::kPhaseDo}, {"attempt", attempt},
                                        {"command_id", id}, {"reason", reason}, {"at_ms", d.now()}});
      d.RetryOrResolve(*step, reason);
    }
    d.Progress();
    return d.Take();
  }

  // Compensation.
  bool current = st.outstanding && st.outstanding->command_id == id;
  bool awaited = st.status == StepStatus::kCompensating || st.status == StepStatus::kCompensationRetryWaiting ||
                 st.status == StepStatus::kCompensationFailed;
  if (outcome == "success") {
    if (!awaited) return not_awaited("answer");
    d.Emit(saga::kCompensationSucceeded, Json{{"step", step->name}, {"command_id", id},
                                              {"late", !(current && attempt == st.compensation_attempts)},
                                              {"at_ms", d.now()}});
  } else if (definitive) {
    // A refusal is final for this command id (a resend gets it again):
    // only an operator can take it further.
    if (!awaited || id != CommandIdFor(s.saga_id, step->name, saga::kPhaseCompensate, st.compensation_revision)) {
      return not_awaited("refusal");
    }
    d.Emit(saga::kCompensationFailed, Json{{"step", step->name}, {"attempt", attempt}, {"command_id", id},
                                           {"reason", reason}, {"at_ms", d.now()}});
    d.Stick(step->name, saga::kPhaseCompensate, "compensation of step " + step->name + " refused: " + reason);
  } else {
    if (!current || attempt != st.compensation_attempts) return not_awaited("transient answer");
    d.Emit(saga::kAttemptFailed, Json{{"step", step->name}, {"phase", saga::kPhaseCompensate},
                                      {"attempt", attempt}, {"command_id", id}, {"reason", reason},
                                      {"at_ms", d.now()}});
    d.RetryCompensationOrStick(*step, reason);
  }
  d.Progress();
  return d.Take();
}

// ---- TimerFired ----
Decision Timer(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  if (s.phase == SagaState::Phase::kNew) return Events{};
  SagaDecider d(s, catalog, NowOf(c));
  if (s.finished()) {  // only final commands can still be waiting
    ResendDueFinalCommands(d.emitter(), s.finals, d.now());
    return d.Take();
  }
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  for (const Step& step : d.def().steps) {
    const StepState& st = d.st(step.name);
    if (!st.outstanding || st.deadline_ms > d.now()) continue;
    bool compensation = st.status == StepStatus::kCompensating;
    int attempt = compensation ? st.compensation_attempts : st.attempts;
    std::string reason = "no reply within " + dsl::FormatDuration(step.timeout_ms);
    d.Emit(saga::kStepTimedOut, Json{{"step", step.name},
                                     {"phase", compensation ? saga::kPhaseCompensate : saga::kPhaseDo},
                                     {"attempt", attempt},
                                     {"command_id", st.outstanding->command_id},
                                     {"reason", reason},
                                     {"at_ms", d.now()}});
    if (compensation) {
      d.RetryCompensationOrStick(step, reason);
    } else {
      d.RetryOrResolve(step, reason);
    }
  }
  d.IssueDueRetries();
  d.Progress();
  return d.Take();
}

// ---- operator actions ----
struct OperatorInput {
  std::string actor;
  std::string reason;
  std::int64_t now = 0;
};

Result<OperatorInput> ReadOperator(const SagaState& s, const Command& c) {
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  OperatorInput in{StringField(c.payload, "actor"), StringField(c.payload, "reason"), NowOf(c)};
  if (in.actor.empty()) return Status::InvalidArgument(c.type + " needs 'actor' (who is acting)");
  if (s.finished()) {
    return Status::FailedPrecondition("saga " + s.saga_id + " is " + std::string(SagaStatusName(s.status())) +
                                      "; " + c.type + " applies only to a running, compensating, paused or stuck saga");
  }
  return in;
}

Json OperatorRecord(const OperatorInput& in) { return Json{{"actor", in.actor}, {"reason", in.reason}, {"at_ms", in.now}}; }

bool StuckOn(const StepState& st) {
  return st.status == StepStatus::kCompensationFailed || st.status == StepStatus::kInDoubt;
}

const char kUnknownOutcome[] =
    "'s outcome is unknown (its command may have run): an edited payload would be a second command on top of it; "
    "retry it unchanged, or skip it if nothing needs undoing";

Decision Retry(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  Result<OperatorInput> in = ReadOperator(s, c);
  if (!in.ok()) return in.status();
  if (s.paused) return Status::FailedPrecondition("saga " + s.saga_id + " is paused; Resume it first");
  std::vector<std::string> targets;
  std::string requested = StringField(c.payload, "step");
  if (!requested.empty()) {
    if (!s.step(requested)) return Status::InvalidArgument("saga " + s.saga_id + " has no step '" + requested + "'");
    targets.push_back(requested);
  } else {
    for (const auto& [name, st] : s.steps) {
      if (StuckOn(st)) targets.push_back(name);
    }
    if (targets.empty()) return Status::FailedPrecondition("saga " + s.saga_id + " is not stuck: name the step to retry");
  }
  bool edited = c.payload.contains("payload");
  if (edited && targets.size() != 1) return Status::InvalidArgument("an edited payload needs exactly one step");
  SagaDecider d(s, catalog, in->now);
  for (const std::string& name : targets) {
    const StepState& st = d.st(name);
    const char* phase = nullptr;
    int revision = st.compensation_revision;
    if (st.in_doubt()) {
      // Resent with the same command id: whatever the earlier attempts did,
      // the participant runs it at most once.
      if (edited) return Status::FailedPrecondition("step " + name + kUnknownOutcome);
      phase = saga::kPhaseDo;
    } else if (st.status == StepStatus::kCompensating || st.status == StepStatus::kCompensationRetryWaiting ||
               st.status == StepStatus::kCompensationFailed) {
      phase = saga::kPhaseCompensate;
      // After a refusal the same id would only be refused again: a new
      // command. Otherwise its outcome is unknown: resend it unchanged.
      if (st.compensation_refused) {
        revision++;
      } else if (edited) {
        return Status::FailedPrecondition("the compensation of step " + name + kUnknownOutcome);
      }
    } else {
      return Status::FailedPrecondition(
          "step " + name + " is " + std::string(StepStatusName(st.status)) +
          "; only a step whose outcome is unknown, or a compensation that is running, waiting or stuck, can be "
          "retried (a step's forward command is never sent after its compensation)");
    }
    Json rec = OperatorRecord(*in);
    rec["step"] = name;
    rec["phase"] = phase;
    rec["revision"] = phase == saga::kPhaseDo ? 1 : revision;
    if (edited) rec["payload"] = c.payload["payload"];
    d.Emit(saga::kOperatorRetried, std::move(rec));
    const Step& step = *d.def().FindStep(name);
    if (phase == saga::kPhaseDo) {
      d.IssueStep(step);
    } else {
      d.IssueCompensation(step);
    }
  }
  d.Progress();
  return d.Take();
}

Decision Skip(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  Result<OperatorInput> in = ReadOperator(s, c);
  if (!in.ok()) return in.status();
  std::string name = StringField(c.payload, "step");
  if (name.empty()) return Status::InvalidArgument("Skip needs 'step'");
  const StepState* st = s.step(name);
  if (!st) return Status::InvalidArgument("saga " + s.saga_id + " has no step '" + name + "'");
  const char* phase = nullptr;
  if (s.phase == SagaState::Phase::kForward &&
      (st->status == StepStatus::kPending || st->status == StepStatus::kRunning ||
       st->status == StepStatus::kRetryWaiting)) {
    phase = saga::kPhaseDo;  // the operator says it is done: go on
  } else if (s.compensating() && st->in_doubt()) {
    phase = saga::kPhaseDo;  // the operator says it never took effect: nothing to undo
  } else if (s.compensating() &&
             (st->status == StepStatus::kSucceeded || st->status == StepStatus::kCompensating ||
              st->status == StepStatus::kCompensationRetryWaiting ||
              st->status == StepStatus::kCompensationFailed)) {
    phase = saga::kPhaseCompensate;
  } else {
    return Status::FailedPrecondition("step " + name + " is " + std::string(StepStatusName(st->status)) +
                                      " while the saga is " + std::string(SagaStatusName(s.status())) +
                                      "; there is nothing to skip");
  }
  SagaDecider d(s, catalog, in->now);
  Json rec = OperatorRecord(*in);
  rec["step"] = name;
  rec["phase"] = phase;
  rec["in_doubt"] = st->in_doubt();
  d.Emit(saga::kOperatorSkipped, std::move(rec));
  d.Progress();
  return d.Take();
}

Decision Abort(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  Result<OperatorInput> in = ReadOperator(s, c);
  if (!in.ok()) return in.status();
  bool compensate = c.payload.value("compensate", true);
  if (compensate && s.compensating()) {
    return Status::FailedPrecondition("saga " + s.saga_id +
                                      " is already compensating; Abort with compensate=false to give up on it");
  }
  SagaDecider d(s, catalog, in->now);
  Json rec = OperatorRecord(*in);
  rec["compensate"] = compensate;
  d.Emit(saga::kOperatorAborted, std::move(rec));
  d.Progress();
  return d.Take();
}

Decision Pause(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  Result<OperatorInput> in = ReadOperator(s, c);
  if (!in.ok()) return in.status();
  if (s.paused) return Status::FailedPrecondition("saga " + s.saga_id + " is already paused");
  SagaDecider d(s, catalog, in->now);
  d.Emit(saga::kOperatorPaused, OperatorRecord(*in));
  return d.Take();
}

Decision Resume(const SagaState& s, const Command& c, const DefinitionCatalog* catalog) {
  Result<OperatorInput> in = ReadOperator(s, c);
  if (!in.ok()) return in.status();
  if (!s.paused) {
    return Status::FailedPrecondition("saga " + s.saga_id + " is " + std::string(SagaStatusName(s.status())) +
                                      ", not paused");
  }
  SagaDecider d(s, catalog, in->now);
  d.Emit(saga::kOperatorResumed, OperatorRecord(*in));
  d.IssueDueRetries();
  d.Progress();
  return d.Take();
}

}  // namespace

void AddSagaHandlers(AggregateDefinition<SagaState>& aggregate, const DefinitionCatalog* catalog) {
  using Fn = Decision (*)(const SagaState&, const Command&, const DefinitionCatalog*);
  const std::pair<const char*, Fn> handlers[] = {
      {saga::kStartSaga, Start}, {saga::kHandleReply, Reply}, {saga::kTimerFired, Timer},
      {saga::kRetry, Retry},     {saga::kSkip, Skip},         {saga::kAbort, Abort},
      {saga::kPause, Pause},     {saga::kResume, Resume},
  };
  for (const auto& [name, fn] : handlers) {
    aggregate.Handle(name, [fn = fn, catalog](const SagaState& s, const Command& c) -> Decision {
      auto now = c.payload.is_object() ? c.payload.find("now_ms") : c.payload.end();
      if (!c.payload.is_object() || now == c.payload.end() || !now->is_number_integer()) {
        return Status::InvalidArgument(c.type + " needs an integer 'now_ms' (Unix milliseconds)");
      }
      return fn(s, c, catalog);
    });
  }
}

}  // namespace sagad::coordinator
