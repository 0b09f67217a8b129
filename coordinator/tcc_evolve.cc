// Evolve for the tcc aggregate: one applier per event type.
#include <unordered_map>

#include "coordinator/tcc_events.h"
#include "coordinator/snapshot_checks.h"
#include "coordinator/tcc_state.h"

namespace sagad::coordinator {

TccAction& TccBranchState::Phase(std::string_view phase) {
  if (phase == tcc::kPhaseConfirm) return confirm;
  if (phase == tcc::kPhaseCancel) return cancel;
  return try_action;
}
const TccAction& TccBranchState::Phase(std::string_view phase) const {
  return const_cast<TccBranchState*>(this)->Phase(phase);
}

namespace {

using Applier = void (*)(TccState&, const Json&);

TccAction& ActionOf(TccState& s, const Json& p, std::string_view phase) {
  return s.branches[StringField(p, "branch")].Phase(phase);
}

void MarkAnswered(TccState& s, const Json& p) {
  auto it = s.commands.find(StringField(p, "command_id"));
  if (it != s.commands.end()) it->second.answered = true;
}

void OnStarted(TccState& s, const Json& p) {
  s.started = true;
  s.tcc_id = StringField(p, "tcc_id");
  s.ReadStarted(p);
  s.deadline_ms = IntField(p, "deadline_ms");
  s.context = p.contains("input") && p["input"].is_object() ? p["input"] : Json::object();
  s.context["saga_id"] = s.tcc_id;
}

void OnIssued(TccState& s, const Json& p) {
  std::string phase = StringField(p, "phase");
  TccAction& a = ActionOf(s, p, phase);
  OutgoingCommand c = ReadCommandFields(p, s.tcc_id);
  a.attempts = static_cast<int>(IntField(p, "attempt"));
  a.deadline_ms = IntField(p, "deadline_ms");
  a.retry_waiting = false;
  a.refused = false;
  CommandRef& ref = s.commands[c.command_id];
  ref.step = StringField(p, "branch");
  ref.phase = phase;
  ref.attempt = a.attempts;
  a.sent = c;
  a.outstanding = std::move(c);
}

void Succeeded(TccState& s, const Json& p, std::string_view phase) {
  TccAction& a = ActionOf(s, p, phase);
  a.done = true;
  a.outstanding.reset();
  a.retry_waiting = false;
  MarkAnswered(s, p);
}
void OnTrySucceeded(TccState& s, const Json& p) { Succeeded(s, p, tcc::kPhaseTry); }
void OnConfirmSucceeded(TccState& s, const Json& p) { Succeeded(s, p, tcc::kPhaseConfirm); }
void OnCancelSucceeded(TccState& s, const Json& p) { Succeeded(s, p, tcc::kPhaseCancel); }

void OnTryFailed(TccState& s, const Json& p) {
  TccAction& a = ActionOf(s, p, tcc::kPhaseTry);
  a.outstanding.reset();
  a.retry_waiting = false;
  a.last_error = StringField(p, "reason");
  MarkAnswered(s, p);
}

void OnTimedOut(TccState&, const Json&) {}

void OnDecided(TccState& s, const Json& p) {
  s.decision = StringField(p, "decision") == tcc::kPhaseConfirm ? TccState::Decision::kConfirm
                                                                 : TccState::Decision::kCancel;
  if (s.decision == TccState::Decision::kCancel) s.reason = StringField(p, "reason");
  // Tries still out are covered by the cancel (the participant's barrier);
  // their replies are late from now on.
  for (auto& [_, b] : s.branches) {
    b.try_action.outstanding.reset();
    b.try_action.retry_waiting = false;
  }
}

void OnAttemptFailed(TccState& s, const Json& p) {
  TccAction& a = ActionOf(s, p, StringField(p, "phase"));
  a.outstanding.reset();
  a.last_error = StringField(p, "reason");
  std::string outcome = StringField(p, "outcome");
  if (outcome != "transient" && outcome != "timeout") {
    a.refused = true;
    MarkAnswered(s, p);
  }
}

void OnRetryScheduled(TccState& s, const Json& p) {
  TccAction& a = ActionOf(s, p, StringField(p, "phase"));
  a.outstanding.reset();
  a.retry_waiting = true;
  a.retry_at_ms = IntField(p, "at_ms");
}

void OnConfirmed(TccState& s, const Json& p) {
  s.finished = true;
  s.finished_ms = IntField(p, "at_ms");
}
void OnCancelled(TccState& s, const Json& p) { OnConfirmed(s, p); }

void OnStuck(TccState& s, const Json& p) {
  s.stuck = true;
  s.reason = StringField(p, "reason");
  ActionOf(s, p, StringField(p, "phase")).stuck = true;
}

void OnOperatorRetried(TccState& s, const Json& p) {
  TccAction& a = ActionOf(s, p, StringField(p, "phase"));
  a.stuck = false;
  a.budget_base = a.attempts;
  int revision = static_cast<int>(IntField(p, "revision", a.revision));
  if (revision != a.revision) {
    a.revision = revision;
    a.sent.reset();  // a new command: built afresh
  }
  a.retry_waiting = true;
  a.retry_at_ms = IntField(p, "at_ms");
  bool any_stuck = false;
  for (const auto& [_, b] : s.branches) any_stuck = any_stuck || b.confirm.stuck || b.cancel.stuck;
  if (!any_stuck) {
    s.stuck = false;
  }
}


const std::unordered_map<std::string, Applier>& Appliers() {
  static const std::unordered_map<std::string, Applier> table = {
      {tcc::kTccStarted, OnStarted},
      {tcc::kTryIssued, OnIssued},
      {tcc::kConfirmIssued, OnIssued},
      {tcc::kCancelIssued, OnIssued},
      {tcc::kTrySucceeded, OnTrySucceeded},
      {tcc::kConfirmSucceeded, OnConfirmSucceeded},
      {tcc::kCancelSucceeded, OnCancelSucceeded},
      {tcc::kTryFailed, OnTryFailed},
      {tcc::kTccTimedOut, OnTimedOut},
      {tcc::kTccDecided, OnDecided},
      {tcc::kAttemptFailed, OnAttemptFailed},
      {tcc::kRetryScheduled, OnRetryScheduled},
      {tcc::kTccConfirmed, OnConfirmed},
      {tcc::kTccCancelled, OnCancelled},
      {tcc::kTccStuck, OnStuck},
      {tcc::kOperatorRetried, OnOperatorRetried},
  };
  return table;
}

std::shared_ptr<const CatalogEntry> Resolve(const TccState& s, const DefinitionCatalog* catalog) {
  return s.Resolve(catalog);
}

void AddBranches(TccState& s) {
  if (!s.definition) return;
  for (const dsl::TccBranch& b : s.definition->definition.branches) s.branches[b.name];
}

}  // namespace

void ApplyTccEvent(TccState& state, const Event& event, const DefinitionCatalog* catalog) {
  if (FinalCommands::Applies(event.type)) {
    state.finals.Apply(event.type, event.payload, state.tcc_id, state.commands);
    return;
  }
  auto it = Appliers().find(event.type);
  if (it == Appliers().end()) return;
  it->second(state, event.payload);
  if (event.type == tcc::kTccStarted) {
    state.definition = Resolve(state, catalog);
    AddBranches(state);
  }
}

std::string_view TccStatusName(TccStatus status) {
  switch (status) {
    case TccStatus::kNew: return "NEW";
    case TccStatus::kTrying: return "TRYING";
    case TccStatus::kConfirming: return "CONFIRMING";
    case TccStatus::kCancelling: return "CANCELLING";
    case TccStatus::kConfirmed: return "CONFIRMED";
    case TccStatus::kCancelled: return "CANCELLED";
    case TccStatus::kStuck: return "STUCK";
  }
  return "?";
}

TccStatus TccState::status() const {
  if (!started) return TccStatus::kNew;
  if (finished) return decision == Decision::kConfirm ? TccStatus::kConfirmed : TccStatus::kCancelled;
  if (stuck) return TccStatus::kStuck;
  switch (decision) {
    case Decision::kNone: return TccStatus::kTrying;
    case Decision::kConfirm: return TccStatus::kConfirming;
    case Decision::kCancel: return TccStatus::kCancelling;
  }
  return TccStatus::kTrying;
}

std::optional<std::int64_t> NextDeadline(const TccState& s) {
  std::optional<std::int64_t> next = s.finals.NextWake();
  if (!s.started || s.finished) return next;
  auto consider = [&](std::int64_t t) {
    if (!next || t < *next) next = t;
  };
  if (s.decision == TccState::Decision::kNone) consider(s.deadline_ms);
  for (const auto& [_, b] : s.branches) {
    for (const TccAction* a : {&b.try_action, &b.confirm, &b.cancel}) {
      if (a->outstanding) consider(a->deadline_ms);
      if (a->retry_waiting) consider(a->retry_at_ms);
    }
  }
  return next;
}

std::vector<OutgoingCommand> OutstandingCommands(const TccState& s) {
  std::vector<OutgoingCommand> out;
  for (const auto& [_, b] : s.branches) {
    for (const TccAction* a : {&b.try_action, &b.confirm, &b.cancel}) {
      if (a->outstanding) out.push_back(*a->outstanding);
    }
  }
  std::vector<OutgoingCommand> finals = s.finals.Outstanding();
  out.insert(out.end(), finals.begin(), finals.end());
  return out;
}

namespace {

Json ActionToJson(const TccAction& a) {
  Json j = {{"attempts", a.attempts},       {"budget_base", a.budget_base}, {"revision", a.revision},
            {"done", a.done},               {"refused", a.refused},         {"stuck", a.stuck},
            {"retry_waiting", a.retry_waiting},
            {"deadline_ms", a.deadline_ms}, {"retry_at_ms", a.retry_at_ms}, {"last_error", a.last_error}};
  for (const auto& [key, command] : {std::pair{"outstanding", &a.outstanding}, std::pair{"sent", &a.sent}}) {
    if (!*command) continue;
    Json c = Json::object();
    WriteCommandFields(**command, c);
    j[key] = std::move(c);
  }
  return j;
}

TccAction ActionFromJson(const Json& j, const std::string& id) {
  TccAction a;
  a.attempts = IntegerOf<int>(j.at("attempts"));
  a.budget_base = IntegerOf<int>(j.at("budget_base"));
  a.revision = IntegerOr(j, "revision", 1);
  a.done = j.at("done").get<bool>();
  a.refused = j.value("refused", false);
  a.stuck = j.at("stuck").get<bool>();
  a.retry_waiting = j.at("retry_waiting").get<bool>();
  a.deadline_ms = IntegerOf<std::int64_t>(j.at("deadline_ms"));
  a.retry_at_ms = IntegerOf<std::int64_t>(j.at("retry_at_ms"));
  a.last_error = j.at("last_error").get<std::string>();
  if (j.contains("outstanding")) a.outstanding = ReadCommandFields(j["outstanding"], id);
  if (j.contains("sent")) a.sent = ReadCommandFields(j["sent"], id);
  return a;
}

}  // namespace

Json TccStateToJson(const TccState& s) {
  Json branches = Json::object();
  for (const auto& [name, b] : s.branches) {
    branches[name] = {{"try", ActionToJson(b.try_action)},
                      {"confirm", ActionToJson(b.confirm)},
                      {"cancel", ActionToJson(b.cancel)}};
  }
  Json commands = Json::object();
  for (const auto& [id, ref] : s.commands) {
    commands[id] = {{"branch", ref.step}, {"phase", ref.phase}, {"attempt", ref.attempt}, {"answered", ref.answered}};
  }
  Json j{{"started", s.started},         {"finished", s.finished},
         {"stuck", s.stuck},             {"decision", static_cast<int>(s.decision)},
         {"tcc_id", s.tcc_id},           {"context", s.context},
         {"deadline_ms", s.deadline_ms}, {"finished_ms", s.finished_ms},
         {"reason", s.reason},           {"branches", std::move(branches)},
         {"commands", std::move(commands)}, {"finals", s.finals.ToJson()}};
  s.WriteSnapshot(j);
  return j;
}

Result<TccState> TccStateFromJson(const Json& j, const DefinitionCatalog* catalog) {
  if (!j.is_object()) return Status::Corruption("tcc snapshot is not an object");
  try {
    TccState s;
    s.started = j.at("started").get<bool>();
    s.finished = j.at("finished").get<bool>();
    s.stuck = j.at("stuck").get<bool>();
    int decision = IntegerOf<int>(j.at("decision"));
    if (decision < 0 || decision > 2) return Status::Corruption("tcc snapshot has unknown decision");
    s.decision = static_cast<TccState::Decision>(decision);
    s.tcc_id = j.at("tcc_id").get<std::string>();
    s.ReadSnapshot(j);
    s.context = j.at("context");
    s.deadline_ms = IntegerOf<std::int64_t>(j.at("deadline_ms"));
    s.finished_ms = IntegerOf<std::int64_t>(j.at("finished_ms"));
    s.reason = j.at("reason").get<std::string>();
    for (const auto& [name, bj] : j.at("branches").items()) {
      TccBranchState& b = s.branches[name];
      b.try_action = ActionFromJson(bj.at("try"), s.tcc_id);
      b.confirm = ActionFromJson(bj.at("confirm"), s.tcc_id);
      b.cancel = ActionFromJson(bj.at("cancel"), s.tcc_id);
    }
    for (const auto& [id, cj] : j.at("commands").items()) {
      s.commands[id] = CommandRef{cj.at("branch").get<std::string>(), cj.at("phase").get<std::string>(),
                                  IntegerOf<int>(cj.at("attempt")), cj.at("answered").get<bool>()};
    }
    s.finals = FinalCommands::FromJson(j.at("finals"), s.tcc_id);
    if (s.started) s.definition = Resolve(s, catalog);
    if (!s.started && (!s.branches.empty() || !s.commands.empty())) {
      return Status::Corruption("tcc snapshot of a tcc not yet started has branches or commands");
    }
    if (s.definition) {  // a started tcc whose definition is known: its branches are the definition's
      const dsl::Definition& def = s.definition->definition;
      Status parts = CheckPartsAgainstDefinition(def.branches, s.branches, s.commands, "branch", def.name);
      if (!parts.ok()) return Status::Corruption("tcc " + parts.message());
    }
    return s;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("tcc snapshot: ") + e.what());
  }
}

// Active until finished and every final command is acknowledged; woken at
// its next deadline or retry.
Activity ActivityOf(const TccState& state) {
  return Activity{!state.finished || !state.finals.empty(), NextDeadline(state)};
}

std::shared_ptr<TccAggregate> MakeTccAggregate(const DefinitionCatalog* catalog) {
  auto aggregate = std::make_shared<TccAggregate>(tcc::kAggregateType);
  AddTccHandlers(*aggregate, catalog);
  for (const auto& [type, _] : Appliers()) {
    aggregate->Apply(type, [catalog](TccState& s, const Event& e) { ApplyTccEvent(s, e, catalog); });
  }
  for (const char* type : FinalCommands::kEventTypes) {
    aggregate->Apply(type, [catalog](TccState& s, const Event& e) { ApplyTccEvent(s, e, catalog); });
  }
  aggregate->TracksActivity([](const TccState& s) { return ActivityOf(s); });
  aggregate->Snapshots(TccStateToJson, [catalog](const Json& j) { return TccStateFromJson(j, catalog); });
  return aggregate;
}

}  // namespace sagad::coordinator
