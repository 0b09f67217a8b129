// Decide for the tcc aggregate: try every branch in parallel; all tried ->
// confirm all; any refused or the timeout passed -> cancel all. Confirm and
// cancel retry within tcc_phase_retry, then STUCK. Same pattern as the saga:
// each handler works on a copy of the state and applies what it emits.
#include <algorithm>

#include "coordinator/start_request.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "saga-dsl/expression.h"

namespace sagad::coordinator {
namespace {

using dsl::TccBranch;

const char* IssuedEvent(std::string_view phase) {
  if (phase == tcc::kPhaseConfirm) return tcc::kConfirmIssued;
  if (phase == tcc::kPhaseCancel) return tcc::kCancelIssued;
  return tcc::kTryIssued;
}

const dsl::CommandSpec& SpecOf(const TccBranch& b, std::string_view phase) {
  if (phase == tcc::kPhaseConfirm) return b.confirm;
  if (phase == tcc::kPhaseCancel) return b.cancel;
  return b.try_command;
}

class TccDecider {
 public:
  TccDecider(const TccState& s, const DefinitionCatalog* catalog, std::int64_t now)
      : s_(s), catalog_(catalog), now_(now) {}

  Events Take() { return std::move(events_); }
  std::int64_t now() const { return now_; }
  const dsl::Definition& def() const { return s_.definition->definition; }
  TccAction& action(const std::string& branch, std::string_view phase) { return s_.branches[branch].Phase(phase); }

  void Emit(const char* type, Json payload) {
    Event e;
    e.stream = {tcc::kAggregateType, s_.tcc_id};
    e.type = type;
    e.payload = std::move(payload);
    ApplyTccEvent(s_, e, catalog_);
    events_.push_back(EventData{type, std::move(e.payload)});
  }

  // Sends a phase of a branch: the first attempt or a resend, always with
  // the same command id and exactly the command the first attempt carried.
  void Issue(const TccBranch& b, const char* phase) {
    TccAction& a = action(b.name, phase);
    std::string id = CommandIdFor(s_.tcc_id, b.name, phase, a.revision);
    Result<OutgoingCommand> c = a.sent && a.sent->command_id == id
                                    ? Result<OutgoingCommand>(*a.sent)
                                    : BuildCommand(SpecOf(b, phase), s_.context, id, s_.tcc_id);
    if (!c.ok()) {
      std::string reason = "cannot build " + std::string(phase) + " command: " + c.status().message();
      if (std::string_view(phase) == tcc::kPhaseTry) {
        Emit(tcc::kTryFailed, Json{{"branch", b.name}, {"reason", reason}, {"at_ms", now_}});
        Decide(tcc::kPhaseCancel, reason);
      } else {
        Emit(tcc::kTccStuck, Json{{"branch", b.name}, {"phase", phase}, {"reason", reason}, {"at_ms", now_}});
      }
      return;
    }
    c->attempt = a.attempts + 1;
    Json p = {{"branch", b.name}, {"phase", phase}};
    WriteCommandFields(*c, p);
    p["deadline_ms"] = std::string_view(phase) == tcc::kPhaseTry ? s_.deadline_ms : now_ + def().tcc_timeout_ms;
    p["issued_ms"] = now_;
    Emit(IssuedEvent(phase), std::move(p));
  }

  void Decide(const char* decision, const std::string& reason) {
    if (s_.decision != TccState::Decision::kNone) return;
    Emit(tcc::kTccDecided, Json{{"decision", decision}, {"reason", reason}, {"at_ms", now_}});
  }

  // An attempt of `phase` ended without success: retry within budget (a try
  // only until the tcc deadline), else cancel (try) or STUCK (confirm/cancel).
  void RetryOrGiveUp(const TccBranch& b, const char* phase, const std::string& reason) {
    TccAction& a = action(b.name, phase);
    bool is_try = std::string_view(phase) == tcc::kPhaseTry;
    const dsl::RetryPolicy& policy = is_try ? def().tcc_try_retry : def().tcc_phase_retry;
    int used = a.attempts - a.budget_base;
    int next = a.attempts + 1;
    std::int64_t at = now_ + BackoffMs(policy, next, CommandIdFor(s_.tcc_id, b.name, phase, a.revision));
    if (used < policy.max_attempts && (!is_try || at < s_.deadline_ms)) {
      Emit(tcc::kRetryScheduled,
           Json{{"branch", b.name}, {"phase", phase}, {"attempt", next}, {"at_ms", at}, {"reason", reason}});
      return;
    }
    if (is_try) {
      // In doubt: the cancel covers it (the participant's barrier cancels a
      // try that ran, and refuses one that arrives after the cancel).
      Emit(tcc::kTryFailed, Json{{"branch", b.name}, {"reason", reason}, {"at_ms", now_}});
      Decide(tcc::kPhaseCancel, "try of branch " + b.name + " failed: " + reason);
      return;
    }
    Stick(b, phase, std::string(phase) + " of branch " + b.name + " failed after " + std::to_string(used) +
                        " attempts: " + reason);
  }

  void Stick(const TccBranch& b, const char* phase, const std::string& reason) {
    Emit(tcc::kTccStuck, Json{{"branch", b.name}, {"phase", phase}, {"reason", reason}, {"at_ms", now_}});
  }

  void IssueDueRetries() {
    for (const TccBranch& b : def().branches) {
      for (const char* phase : {tcc::kPhaseTry, tcc::kPhaseConfirm, tcc::kPhaseCancel}) {
        TccAction& a = action(b.name, phase);
        if (a.retry_waiting && a.retry_at_ms <= now_) Issue(b, phase);
      }
    }
  }

  void Progress() {
    if (s_.finished || !s_.definition) return;
    if (s_.decision == TccState::Decision::kNone) {
      for (const TccBranch& b : def().branches) {
        if (!action(b.name, tcc::kPhaseTry).done) return;
      }
      Decide(tcc::kPhaseConfirm, "every try succeeded");
    }
    const char* phase = s_.decision == TccState::Decision::kConfirm ? tcc::kPhaseConfirm : tcc::kPhaseCancel;
    bool all_done = true;
    for (const TccBranch& b : def().branches) {
      TccAction& a = action(b.name, phase);
      if (!a.done && !a.stuck && !a.outstanding && !a.retry_waiting && a.attempts == 0) Issue(b, phase);
      all_done = all_done && action(b.name, phase).done;
    }
    if (!all_done) return;
    bool confirmed = s_.decision == TccState::Decision::kConfirm;
    Emit(confirmed ? tcc::kTccConfirmed : tcc::kTccCancelled, Json{{"at_ms", now_}});
    IssueFinalCommand(emitter(), s_.commands, confirmed ? def().on_completed : def().on_compensated,
                      confirmed ? "on_completed" : "on_compensated", s_.context, s_.tcc_id, now_);
  }

  EmitFn emitter() {
    return [this](const char* type, Json payload) { Emit(type, std::move(payload)); };
  }

  const TccState& state() const { return s_; }

 private:
  TccState s_;
  const DefinitionCatalog* catalog_;
  std::int64_t now_;
  Events events_;
};

std::int64_t NowOf(const Command& c) { return IntField(c.payload, "now_ms"); }

Status NeedsDefinition(const TccState& s) {
  if (!s.started) return Status::NotFound("tcc " + s.tcc_id + " has not been started");
  if (!s.definition) {
    return Status::FailedPrecondition("definition " + s.definition_name + " version " +
                                      std::to_string(s.definition_version) + " is not loaded");
  }
  return Status::Ok();
}

Decision Start(const TccState& s, const Command& c, const DefinitionCatalog* catalog) {
  if (s.started) return Events{};
  Result<StartRequest> start = ReadStartRequest(c, catalog, dsl::DefinitionKind::kTcc, "tcc_id");
  if (!start.ok()) return start.status();
  const std::string& id = start->instance_id;
  const std::string& name = start->entry->definition.name;
  const std::shared_ptr<const CatalogEntry>& entry = start->entry;
  const Json& input = start->input;
  const std::string& key = start->key;
  std::int64_t now = NowOf(c);
  TccState fresh = s;
  fresh.tcc_id = id;
  TccDecider d(fresh, catalog, now);
  d.Emit(tcc::kTccStarted, Json{{"tcc_id", id},
                                {"definition", name},
                                {"version", entry->definition.version},
                                {"hash", entry->hash},
                                {"key", key},
                                {"input", input},
                                {"started_ms", now},
                                {"deadline_ms", now + entry->definition.tcc_timeout_ms}});
  for (const TccBranch& b : entry->definition.branches) {
    if (d.state().decision != TccState::Decision::kNone) break;  // a try could not be built
    d.Issue(b, tcc::kPhaseTry);
  }
  d.Progress();
  return d.Take();
}

Decision Reply(const TccState& s, const Command& c, const DefinitionCatalog* catalog) {
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  const Json& p = c.payload;
  std::string id = StringField(p, "command_id");
  std::string outcome = StringField(p, "outcome");
  if (id.empty()) return Status::InvalidArgument("HandleReply needs 'command_id'");
  if (outcome != "success" && outcome != "failure" && outcome != "rejected" && outcome != "transient") {
    return Status::InvalidArgument("HandleReply 'outcome' must be success, failure, rejected or transient, not '" +
                                   outcome + "'");
  }
  std::string event_type = StringField(p, "event_type");
  std::string reason = StringField(p, "reason");
  if (reason.empty()) reason = event_type.empty() ? outcome : event_type;
  TccDecider d(s, catalog, NowOf(c));
  Json record = {{"command_id", id}, {"outcome", outcome}, {"event_type", event_type}, {"reason", reason}};
  auto ignore = [&](const char* type, const std::string& why) {
    record["why"] = why;
    d.Emit(type, record);
    return d.Take();
  };
  auto it = s.commands.find(id);
  if (it == s.commands.end()) return ignore(tcc::kLateReplyIgnored, "unknown command id");
  const CommandRef& ref = it->second;
  int attempt = static_cast<int>(IntField(p, "attempt", ref.attempt));
  record["attempt"] = attempt;
  if (ref.answered) return ignore(tcc::kDuplicateReplyIgnored, "this command's outcome is already recorded");
  if (ref.step.empty()) {  // a final command
    AnswerFinalCommand(d.emitter(), s.finals, id, attempt, outcome, reason, d.now());
    return d.Take();
  }
  auto bit = std::find_if(d.def().branches.begin(), d.def().branches.end(),
                          [&](const TccBranch& b) { return b.name == ref.step; });
  if (bit == d.def().branches.end()) return ignore(tcc::kLateReplyIgnored, "unknown branch " + ref.step);
  const TccBranch& b = *bit;
  const TccAction& a = s.branches.at(b.name).Phase(ref.phase);
  // A success or a refusal answers the command whichever attempt it came
  // from; a transient answer counts only for the latest attempt.
  bool latest = a.outstanding && a.outstanding->command_id == id && attempt == a.attempts;
  bool success = outcome == "success";
  bool definitive = outcome != "transient";
  std::string earlier = "reply to attempt " + std::to_string(attempt) + " of the " + ref.phase + " of branch " + b.name;
  if (a.done) return ignore(tcc::kLateReplyIgnored, earlier + ", which succeeded already");

  if (ref.phase == tcc::kPhaseTry) {
    if (s.decision != TccState::Decision::kNone) {
      return ignore(tcc::kLateReplyIgnored, "try answered after the decision; confirm/cancel covers it");
    }
    if (success) {
      d.Emit(tcc::kTrySucceeded, Json{{"branch", b.name}, {"command_id", id}, {"attempt", attempt}, {"at_ms", d.now()}});
    } else if (definitive) {
      d.Emit(tcc::kTryFailed, Json{{"branch", b.name}, {"command_id", id}, {"attempt", attempt}, {"reason", reason},
                                   {"at_ms", d.now()}});
      d.Decide(tcc::kPhaseCancel, "try of branch " + b.name + " refused: " + reason);
    } else if (!latest) {
      return ignore(tcc::kLateReplyIgnored, earlier + ": a later attempt is out");
    } else {
      d.Emit(tcc::kAttemptFailed, Json{{"branch", b.name}, {"phase", tcc::kPhaseTry}, {"attempt", attempt},
                                       {"command_id", id}, {"outcome", outcome}, {"reason", reason}, {"at_ms", d.now()}});
      d.RetryOrGiveUp(b, tcc::kPhaseTry, reason);
    }
    d.Progress();
    return d.Take();
  }

  const char* phase = ref.phase == tcc::kPhaseConfirm ? tcc::kPhaseConfirm : tcc::kPhaseCancel;
  bool awaited = a.outstanding || a.retry_waiting;
  if (success) {
    d.Emit(ref.phase == tcc::kPhaseConfirm ? tcc::kConfirmSucceeded : tcc::kCancelSucceeded,
           Json{{"branch", b.name}, {"command_id", id}, {"attempt", attempt}, {"at_ms", d.now()}});
  } else if (definitive && awaited && id == CommandIdFor(s.tcc_id, b.name, phase, a.revision)) {
    // Refused: a resend would be refused again; only an operator can help.
    d.Emit(tcc::kAttemptFailed, Json{{"branch", b.name}, {"phase", phase}, {"attempt", attempt},
                                     {"command_id", id}, {"outcome", outcome}, {"reason", reason}, {"at_ms", d.now()}});
    d.Stick(b, phase, std::string(phase) + " of branch " + b.name + " refused: " + reason);
  } else if (!definitive && latest) {
    d.Emit(tcc::kAttemptFailed, Json{{"branch", b.name}, {"phase", phase}, {"attempt", attempt},
                                     {"command_id", id}, {"outcome", outcome}, {"reason", reason}, {"at_ms", d.now()}});
    d.RetryOrGiveUp(b, phase, reason);
  } else {
    return ignore(tcc::kLateReplyIgnored, earlier + ", which is not awaited");
  }
  d.Progress();
  return d.Take();
}

Decision Timer(const TccState& s, const Command& c, const DefinitionCatalog* catalog) {
  if (!s.started) return Events{};
  TccDecider d(s, catalog, NowOf(c));
  if (s.finished) {  // only final commands can still be waiting
    ResendDueFinalCommands(d.emitter(), s.finals, d.now());
    return d.Take();
  }
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  if (s.decision == TccState::Decision::kNone && d.now() >= s.deadline_ms) {
    std::string reason = "tries not all answered within " + dsl::FormatDuration(d.def().tcc_timeout_ms);
    d.Emit(tcc::kTccTimedOut, Json{{"reason", reason}, {"at_ms", d.now()}});
    d.Decide(tcc::kPhaseCancel, reason);
  }
  for (const TccBranch& b : d.def().branches) {
    for (const char* phase : {tcc::kPhaseConfirm, tcc::kPhaseCancel}) {
      TccAction& a = d.action(b.name, phase);
      if (!a.outstanding || a.deadline_ms > d.now()) continue;
      std::string reason = "no reply within " + dsl::FormatDuration(d.def().tcc_timeout_ms);
      d.Emit(tcc::kAttemptFailed, Json{{"branch", b.name}, {"phase", phase}, {"attempt", a.attempts},
                                       {"command_id", a.outstanding->command_id}, {"outcome", "timeout"},
                                       {"reason", reason}, {"at_ms", d.now()}});
      d.RetryOrGiveUp(b, phase, reason);
    }
  }
  d.IssueDueRetries();
  d.Progress();
  return d.Take();
}

Decision Retry(const TccState& s, const Command& c, const DefinitionCatalog* catalog) {
  SAGAD_RETURN_IF_ERROR(NeedsDefinition(s));
  std::string actor = StringField(c.payload, "actor");
  if (actor.empty()) return Status::InvalidArgument("Retry needs 'actor' (who is acting)");
  if (s.status() != TccStatus::kStuck) {
    return Status::FailedPrecondition("tcc " + s.tcc_id + " is " + std::string(TccStatusName(s.status())) +
                                      "; only a STUCK transaction can be retried");
  }
  std::string only = StringField(c.payload, "branch");
  TccDecider d(s, catalog, NowOf(c));
  for (const TccBranch& b : d.def().branches) {
    if (!only.empty() && b.name != only) continue;
    for (const char* phase : {tcc::kPhaseConfirm, tcc::kPhaseCancel}) {
      const TccAction& a = d.action(b.name, phase);
      if (!a.stuck) continue;
      // After a refusal the same id would be refused again: a new command.
      // Otherwise the outcome is unknown: resend it unchanged.
      d.Emit(tcc::kOperatorRetried, Json{{"actor", actor},
                                         {"reason", StringField(c.payload, "reason")},
                                         {"branch", b.name},
                                         {"phase", phase},
                                         {"revision", a.refused ? a.revision + 1 : a.revision},
                                         {"at_ms", d.now()}});
      d.Issue(b, phase);
    }
  }
  Events events = d.Take();
  if (events.empty()) return Status::FailedPrecondition("branch '" + only + "' of tcc " + s.tcc_id + " is not stuck");
  return events;
}

}  // namespace

void AddTccHandlers(TccAggregate& aggregate, const DefinitionCatalog* catalog) {
  using Fn = Decision (*)(const TccState&, const Command&, const DefinitionCatalog*);
  const std::pair<const char*, Fn> handlers[] = {
      {tcc::kStartTcc, Start}, {tcc::kHandleReply, Reply}, {tcc::kTimerFired, Timer}, {tcc::kRetry, Retry}};
  for (const auto& [name, fn] : handlers) {
    aggregate.Handle(name, [fn = fn, catalog](const TccState& s, const Command& c) -> Decision {
      auto now = c.payload.is_object() ? c.payload.find("now_ms") : c.payload.end();
      if (!c.payload.is_object() || now == c.payload.end() || !now->is_number_integer()) {
        return Status::InvalidArgument(c.type + " needs an integer 'now_ms' (Unix milliseconds)");
      }
      return fn(s, c, catalog);
    });
  }
}

}  // namespace sagad::coordinator
