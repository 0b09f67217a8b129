// Evolve for the saga aggregate: one applier per event type. Appliers trust
// the events (they were decided by saga_decide.cc) and never fail.
#include <functional>
#include <unordered_map>

#include "coordinator/saga_events.h"
#include "coordinator/saga_state.h"
#include "coordinator/snapshot_checks.h"

namespace sagad::coordinator {
namespace {

using Applier = void (*)(SagaState&, const Json&);

StepState& StepOf(SagaState& s, const Json& p) { return s.steps[StringField(p, "step")]; }

void MarkAnswered(SagaState& s, const Json& p) {
  auto it = s.commands.find(StringField(p, "command_id"));
  if (it != s.commands.end()) it->second.answered = true;
}

// Leaves STUCK once no step waits for an operator any more.
void Unstick(SagaState& s) {
  if (s.phase != SagaState::Phase::kStuck) return;
  for (const auto& [_, st] : s.steps) {
    if (st.status == StepStatus::kCompensationFailed || st.status == StepStatus::kInDoubt) return;
  }
  s.phase = SagaState::Phase::kCompensating;
  s.stuck_reason.clear();
}

// Steps still in doubt when the saga turns are resolved before anything is
// undone, with a budget of their own (the step's `resolve retry`): their
// forward attempts so far no longer count.
void StartCompensation(SagaState& s, const std::string& step, const std::string& reason) {
  if (s.phase != SagaState::Phase::kForward) return;
  s.phase = SagaState::Phase::kCompensating;
  s.context["failure"] = Json{{"step", step}, {"reason", reason}};
  for (auto& [_, st] : s.steps) {
    if (st.in_doubt()) st.budget_base = st.attempts;
  }
}

void Issued(SagaState& s, const Json& p, bool compensation) {
  StepState& st = StepOf(s, p);
  OutgoingCommand c = ReadCommandFields(p, s.saga_id);
  int attempt = static_cast<int>(IntField(p, "attempt"));
  if (compensation) {
    st.status = StepStatus::kCompensating;
    st.compensation_attempts = attempt;
    st.compensation_refused = false;
  } else {
    st.status = StepStatus::kRunning;
    st.attempts = attempt;
    st.forward_target = c.target;
    if (st.started_ms == 0) st.started_ms = IntField(p, "issued_ms");
  }
  st.deadline_ms = IntField(p, "deadline_ms");
  st.retry_at_ms = 0;
  st.payload_override.reset();
  CommandRef& ref = s.commands[c.command_id];
  ref.step = StringField(p, "step");
  ref.phase = compensation ? saga::kPhaseCompensate : saga::kPhaseDo;
  ref.attempt = attempt;
  st.sent = c;
  st.outstanding = std::move(c);
}

void OnStarted(SagaState& s, const Json& p) {
  s.phase = SagaState::Phase::kForward;
  s.saga_id = StringField(p, "saga_id");
  s.ReadStarted(p);
  s.context = p.contains("input") && p["input"].is_object() ? p["input"] : Json::object();
  s.context["saga_id"] = s.saga_id;
  // The definition pointer and the step list are resolved by ApplySagaEvent
  // (it has the catalog).
}

void OnStepIssued(SagaState& s, const Json& p) { Issued(s, p, false); }
void OnCompensationIssued(SagaState& s, const Json& p) { Issued(s, p, true); }

void OnStepSucceeded(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.status = StepStatus::kSucceeded;
  st.outstanding.reset();
  st.finished_ms = IntField(p, "at_ms");
  s.context[StringField(p, "step")] = p.contains("captured") ? p["captured"] : Json::object();
  MarkAnswered(s, p);
}

void OnStepFailed(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.status = StepStatus::kFailed;
  st.outstanding.reset();
  st.last_error = StringField(p, "reason");
  st.finished_ms = IntField(p, "at_ms");
  MarkAnswered(s, p);
  StartCompensation(s, StringField(p, "step"), st.last_error);
}

void OnStepInDoubt(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.last_error = StringField(p, "reason");
  StartCompensation(s, StringField(p, "step"), st.last_error);
}

void OnAttemptEnded(SagaState& s, const Json& p) {  // StepTimedOut, AttemptFailed
  StepState& st = StepOf(s, p);
  st.outstanding.reset();
  st.deadline_ms = 0;
  st.last_error = StringField(p, "reason");
}

void OnRetryScheduled(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.outstanding.reset();
  st.status = StringField(p, "phase") == saga::kPhaseCompensate ? StepStatus::kCompensationRetryWaiting
                                                                 : StepStatus::kRetryWaiting;
  st.retry_at_ms = IntField(p, "at_ms");
}

void OnCompensationSucceeded(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.status = StepStatus::kCompensated;
  st.outstanding.reset();
  st.finished_ms = IntField(p, "at_ms");
  MarkAnswered(s, p);
}

void OnCompensationFailed(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  st.outstanding.reset();
  st.last_error = StringField(p, "reason");
  st.compensation_refused = true;
  MarkAnswered(s, p);
}

void OnCompensationSkipped(SagaState& s, const Json& p) { StepOf(s, p).status = StepStatus::kCompensationSkipped; }

void OnCompleted(SagaState& s, const Json& p) {
  s.phase = SagaState::Phase::kCompleted;
  s.finished_ms = IntField(p, "at_ms");
}

void OnCompensated(SagaState& s, const Json& p) {
  s.phase = SagaState::Phase::kCompensated;
  s.finished_ms = IntField(p, "at_ms");
}

void OnStuck(SagaState& s, const Json& p) {
  s.phase = SagaState::Phase::kStuck;
  s.stuck_reason = StringField(p, "reason");
  std::string step = StringField(p, "step");
  if (step.empty()) return;
  StepState& st = s.steps[step];
  st.outstanding.reset();
  st.status = StringField(p, "phase") == saga::kPhaseDo ? StepStatus::kInDoubt : StepStatus::kCompensationFailed;
}

void OnOperatorRetried(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  bool compensation = StringField(p, "phase") == saga::kPhaseCompensate;
  st.outstanding.reset();
  if (compensation) {
    st.status = StepStatus::kCompensationRetryWaiting;
    st.compensation_budget_base = st.compensation_attempts;
    int revision = static_cast<int>(IntField(p, "revision", st.compensation_revision));
    if (revision != st.compensation_revision) {
      st.compensation_revision = revision;
      st.sent.reset();  // a new command: built afresh
    }
  } else {
    st.status = StepStatus::kRetryWaiting;
    st.budget_base = st.attempts;
  }
  st.retry_at_ms = IntField(p, "at_ms");
  if (p.contains("payload")) st.payload_override = p["payload"];
}

void OnOperatorSkipped(SagaState& s, const Json& p) {
  StepState& st = StepOf(s, p);
  std::string step = StringField(p, "step");
  std::string phase = StringField(p, "phase");
  bool in_doubt = p.value("in_doubt", false);
  st.outstanding.reset();
  st.finished_ms = IntField(p, "at_ms");
  if (phase == saga::kPhaseCompensate) {
    st.status = StepStatus::kCompensated;
  } else if (in_doubt && s.compensating()) {
    st.status = StepStatus::kSkipped;
  } else {
    st.status = StepStatus::kSucceeded;
    if (!s.context.contains(step)) s.context[step] = Json::object();
  }
  s.operator_skips.push_back(OperatorSkip{step, phase, in_doubt, StringField(p, "actor"), StringField(p, "reason"),
                                          IntField(p, "at_ms")});
}

void OnOperatorAborted(SagaState& s, const Json& p) {
  bool compensate = p.value("compensate", true);
  if (compensate) {
    StartCompensation(s, "", "aborted by operator: " + StringField(p, "reason"));
  } else {
    s.phase = SagaState::Phase::kAborted;
    s.paused = false;
    s.finished_ms = IntField(p, "at_ms");
  }
}

void OnPaused(SagaState& s, const Json&) { s.paused = true; }
void OnResumed(SagaState& s, const Json&) { s.paused = false; }

const std::unordered_map<std::string, Applier>& Appliers() {
  static const std::unordered_map<std::string, Applier> table = {
      {saga::kSagaStarted, OnStarted},
      {saga::kStepCommandIssued, OnStepIssued},
      {saga::kStepSucceeded, OnStepSucceeded},
      {saga::kStepFailed, OnStepFailed},
      {saga::kStepInDoubt, OnStepInDoubt},
      {saga::kStepTimedOut, OnAttemptEnded},
      {saga::kAttemptFailed, OnAttemptEnded},
      {saga::kRetryScheduled, OnRetryScheduled},
      {saga::kCompensationIssued, OnCompensationIssued},
      {saga::kCompensationSucceeded, OnCompensationSucceeded},
      {saga::kCompensationFailed, OnCompensationFailed},
      {saga::kCompensationSkipped, OnCompensationSkipped},
      {saga::kSagaCompleted, OnCompleted},
      {saga::kSagaCompensated, OnCompensated},
      {saga::kSagaStuck, OnStuck},
      {saga::kOperatorRetried, OnOperatorRetried},
      {saga::kOperatorSkipped, OnOperatorSkipped},
      {saga::kOperatorAborted, OnOperatorAborted},
      {saga::kOperatorPaused, OnPaused},
      {saga::kOperatorResumed, OnResumed},
  };
  return table;
}

std::shared_ptr<const CatalogEntry> Resolve(const SagaState& s, const DefinitionCatalog* catalog) {
  return s.Resolve(catalog);
}

}  // namespace

void ApplySagaEvent(SagaState& state, const Event& event, const DefinitionCatalog* catalog) {
  if (FinalCommands::Applies(event.type)) {
    state.finals.Apply(event.type, event.payload, state.saga_id, state.commands);
    return;
  }
  auto it = Appliers().find(event.type);
  if (it == Appliers().end()) return;  // recorded only (late/duplicate replies, FinalCommandFailed)
  it->second(state, event.payload);
  // Whatever settled the step it was stuck on (a late answer, an
  // operator), the saga is no longer stuck on it.
  Unstick(state);
  if (event.type == saga::kSagaStarted) {
    state.definition = Resolve(state, catalog);
    if (state.definition) {
      for (const dsl::Step& step : state.definition->definition.steps) state.steps[step.name];
    }
  }
}

std::string_view SagaStatusName(SagaStatus status) {
  switch (status) {
    case SagaStatus::kNew: return "NEW";
    case SagaStatus::kRunning: return "RUNNING";
    case SagaStatus::kCompensating: return "COMPENSATING";
    case SagaStatus::kCompleted: return "COMPLETED";
    case SagaStatus::kCompensated: return "COMPENSATED";
    case SagaStatus::kStuck: return "STUCK";
    case SagaStatus::kPaused: return "PAUSED";
    case SagaStatus::kAborted: return "ABORTED";
  }
  return "?";
}

namespace {
constexpr std::string_view kStepStatusNames[] = {
    "PENDING",     "RUNNING",     "RETRY_WAITING",        "SUCCEEDED",           "FAILED",
    "COMPENSATING", "COMPENSATION_RETRY_WAITING", "COMPENSATED", "COMPENSATION_SKIPPED", "COMPENSATION_FAILED",
    "IN_DOUBT",    "SKIPPED"};
}  // namespace

std::string_view StepStatusName(StepStatus status) { return kStepStatusNames[static_cast<int>(status)]; }

SagaStatus SagaState::status() const {
  switch (phase) {
    case Phase::kNew: return SagaStatus::kNew;
    case Phase::kCompleted: return SagaStatus::kCompleted;
    case Phase::kCompensated: return SagaStatus::kCompensated;
    case Phase::kAborted: return SagaStatus::kAborted;
    case Phase::kStuck: return SagaStatus::kStuck;
    case Phase::kForward: return paused ? SagaStatus::kPaused : SagaStatus::kRunning;
    case Phase::kCompensating: return paused ? SagaStatus::kPaused : SagaStatus::kCompensating;
  }
  return SagaStatus::kNew;
}

const StepState* SagaState::step(const std::string& name) const {
  auto it = steps.find(name);
  return it == steps.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> NextDeadline(const SagaState& state) {
  std::optional<std::int64_t> next = state.finals.NextWake();
  if (state.finished()) return next;
  auto consider = [&](std::int64_t t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [_, st] : state.steps) {
    if (st.outstanding) consider(st.deadline_ms);
    if (state.paused) continue;
    if (st.status == StepStatus::kRetryWaiting || st.status == StepStatus::kCompensationRetryWaiting) {
      consider(st.retry_at_ms);
    }
  }
  return next;
}

std::vector<OutgoingCommand> OutstandingCommands(const SagaState& state) {
  std::vector<OutgoingCommand> out;
  for (const auto& [_, st] : state.steps) {
    if (st.outstanding) out.push_back(*st.outstanding);
  }
  std::vector<OutgoingCommand> finals = state.finals.Outstanding();
  out.insert(out.end(), finals.begin(), finals.end());
  return out;
}

// ---- snapshots ----
namespace {

Json CommandToJson(const OutgoingCommand& c) {
  Json j = Json::object();
  WriteCommandFields(c, j);
  return j;
}

}  // namespace

Json SagaStateToJson(const SagaState& s) {
  Json steps = Json::object();
  for (const auto& [name, st] : s.steps) {
    Json j = {{"status", static_cast<int>(st.status)},
              {"attempts", st.attempts},
              {"compensation_attempts", st.compensation_attempts},
              {"budget_base", st.budget_base},
              {"compensation_budget_base", st.compensation_budget_base},
              {"compensation_revision", st.compensation_revision},
              {"compensation_refused", st.compensation_refused},
              {"forward_target", st.forward_target},
              {"last_error", st.last_error},
              {"started_ms", st.started_ms},
              {"finished_ms", st.finished_ms},
              {"deadline_ms", st.deadline_ms},
              {"retry_at_ms", st.retry_at_ms}};
    if (st.outstanding) j["outstanding"] = CommandToJson(*st.outstanding);
    if (st.sent) j["sent"] = CommandToJson(*st.sent);
    if (st.payload_override) j["payload_override"] = *st.payload_override;
    steps[name] = std::move(j);
  }
  Json commands = Json::object();
  for (const auto& [id, ref] : s.commands) {
    commands[id] = {{"step", ref.step}, {"phase", ref.phase}, {"attempt", ref.attempt}, {"answered", ref.answered}};
  }
  Json skips = Json::array();
  for (const OperatorSkip& k : s.operator_skips) {
    skips.push_back(Json{{"step", k.step}, {"phase", k.phase}, {"in_doubt", k.in_doubt}, {"actor", k.actor},
                         {"reason", k.reason}, {"at_ms", k.at_ms}});
  }
  Json j{{"phase", static_cast<int>(s.phase)},
         {"paused", s.paused},
         {"saga_id", s.saga_id},
         {"context", s.context},
         {"steps", std::move(steps)},
         {"commands", std::move(commands)},
         {"finals", s.finals.ToJson()},
         {"operator_skips", std::move(skips)},
         {"finished_ms", s.finished_ms},
         {"stuck_reason", s.stuck_reason}};
  s.WriteSnapshot(j);
  return j;
}

Result<SagaState> SagaStateFromJson(const Json& j, const DefinitionCatalog* catalog) {
  if (!j.is_object() || !j.contains("steps") || !j.contains("commands")) {
    return Status::Corruption("saga snapshot is not an object with steps and commands");
  }
  try {
    SagaState s;
    int phase = IntegerOf<int>(j.at("phase"));
    if (phase < 0 || phase > static_cast<int>(SagaState::Phase::kAborted)) {
      return Status::Corruption("saga snapshot has unknown phase " + std::to_string(phase));
    }
    s.phase = static_cast<SagaState::Phase>(phase);
    s.paused = j.at("paused").get<bool>();
    s.saga_id = j.at("saga_id").get<std::string>();
    s.ReadSnapshot(j);
    s.context = j.at("context");
    s.finished_ms = IntegerOf<std::int64_t>(j.at("finished_ms"));
    s.stuck_reason = j.at("stuck_reason").get<std::string>();
    for (const auto& [name, sj] : j.at("steps").items()) {
      StepState st;
      int status = IntegerOf<int>(sj.at("status"));
      if (status < 0 || status > static_cast<int>(StepStatus::kSkipped)) {
        return Status::Corruption("saga snapshot: step " + name + " has unknown status");
      }
      st.status = static_cast<StepStatus>(status);
      st.attempts = IntegerOf<int>(sj.at("attempts"));
      st.compensation_attempts = IntegerOf<int>(sj.at("compensation_attempts"));
      st.budget_base = IntegerOf<int>(sj.at("budget_base"));
      st.compensation_budget_base = IntegerOf<int>(sj.at("compensation_budget_base"));
      st.compensation_revision = IntegerOr(sj, "compensation_revision", 1);
      st.compensation_refused = sj.value("compensation_refused", false);
      st.forward_target = sj.value("forward_target", "");
      st.last_error = sj.at("last_error").get<std::string>();
      st.started_ms = IntegerOf<std::int64_t>(sj.at("started_ms"));
      st.finished_ms = IntegerOf<std::int64_t>(sj.at("finished_ms"));
      st.deadline_ms = IntegerOf<std::int64_t>(sj.at("deadline_ms"));
      st.retry_at_ms = IntegerOf<std::int64_t>(sj.at("retry_at_ms"));
      if (sj.contains("outstanding")) st.outstanding = ReadCommandFields(sj["outstanding"], s.saga_id);
      if (sj.contains("sent")) st.sent = ReadCommandFields(sj["sent"], s.saga_id);
      if (sj.contains("payload_override")) st.payload_override = sj["payload_override"];
      s.steps[name] = std::move(st);
    }
    for (const auto& [id, cj] : j.at("commands").items()) {
      s.commands[id] = CommandRef{cj.at("step").get<std::string>(), cj.at("phase").get<std::string>(),
                                  IntegerOf<int>(cj.at("attempt")), cj.at("answered").get<bool>()};
    }
    s.finals = FinalCommands::FromJson(j.at("finals"), s.saga_id);
    for (const Json& k : j.value("operator_skips", Json::array())) {
      s.operator_skips.push_back(OperatorSkip{k.at("step").get<std::string>(), k.at("phase").get<std::string>(),
                                              k.at("in_doubt").get<bool>(), k.at("actor").get<std::string>(),
                                              k.at("reason").get<std::string>(), IntegerOf<std::int64_t>(k.at("at_ms"))});
    }
    if (s.phase != SagaState::Phase::kNew) s.definition = Resolve(s, catalog);
    if (s.phase == SagaState::Phase::kNew && (!s.steps.empty() || !s.commands.empty())) {
      return Status::Corruption("saga snapshot of a saga not yet started has steps or commands");
    }
    if (s.definition) {  // a started saga whose definition is known: its steps are the definition's
      const dsl::Definition& def = s.definition->definition;
      Status parts = CheckPartsAgainstDefinition(def.steps, s.steps, s.commands, "step", def.name);
      if (!parts.ok()) return Status::Corruption("saga " + parts.message());
    }
    return s;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("saga snapshot: ") + e.what());
  }
}

}  // namespace sagad::coordinator

#include "coordinator/saga_decide.h"

namespace sagad::coordinator {

// Active until finished and every final command is acknowledged; woken at
// its next deadline or retry.
Activity ActivityOf(const SagaState& state) {
  return Activity{!state.finished() || !state.finals.empty(), NextDeadline(state)};
}

std::shared_ptr<SagaAggregate> MakeSagaAggregate(const DefinitionCatalog* catalog) {
  auto aggregate = std::make_shared<SagaAggregate>(saga::kAggregateType);
  AddSagaHandlers(*aggregate, catalog);
  for (const auto& [type, _] : Appliers()) {
    aggregate->Apply(type, [catalog](SagaState& s, const Event& e) { ApplySagaEvent(s, e, catalog); });
  }
  for (const char* type : FinalCommands::kEventTypes) {
    aggregate->Apply(type, [catalog](SagaState& s, const Event& e) { ApplySagaEvent(s, e, catalog); });
  }
  aggregate->TracksActivity([](const SagaState& s) { return ActivityOf(s); });
  aggregate->Snapshots(SagaStateToJson, [catalog](const Json& j) { return SagaStateFromJson(j, catalog); });
  return aggregate;
}

}  // namespace sagad::coordinator
