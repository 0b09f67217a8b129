#include "coordinator/final_commands.h"

#include <algorithm>

#include "saga-dsl/defaults.h"

namespace sagad::coordinator {
namespace {

// Final commands must arrive, like compensations: the same budget.
const dsl::RetryPolicy kFinalRetry{dsl::kDefaultCompensationRetries + 1, dsl::kDefaultBackoffMinMs,
                                   dsl::kDefaultBackoffMaxMs};

const OutgoingCommand* Find(const FinalCommands& f, const std::string& id) {
  auto it = std::find_if(f.pending.begin(), f.pending.end(), [&](const OutgoingCommand& c) { return c.command_id == id; });
  return it == f.pending.end() ? nullptr : &*it;
}

void Forget(FinalCommands& f, const std::string& id) {
  std::erase_if(f.pending, [&](const OutgoingCommand& c) { return c.command_id == id; });
  f.deadline_ms.erase(id);
  f.retry_at_ms.erase(id);
}

// "<instance>/final/<kind>"
std::string KindOf(const OutgoingCommand& c) { return c.command_id.substr(c.command_id.rfind('/') + 1); }

void Issue(const EmitFn& emit, OutgoingCommand c, const std::string& kind, std::int64_t now) {
  Json p = {{"kind", kind}};
  WriteCommandFields(c, p);
  p["deadline_ms"] = now + dsl::kDefaultStepTimeoutMs;
  emit(kFinalCommandIssued, std::move(p));
}

// A send that ended without an answer for good: again later, or give up.
void RetryOrGiveUp(const EmitFn& emit, const OutgoingCommand& c, const std::string& kind, const std::string& reason,
                   std::int64_t now) {
  if (c.attempt < kFinalRetry.max_attempts) {
    int next = c.attempt + 1;
    emit(kFinalCommandRetryScheduled, Json{{"command_id", c.command_id},
                                           {"attempt", next},
                                           {"at_ms", now + BackoffMs(kFinalRetry, next, c.command_id)},
                                           {"reason", reason}});
    return;
  }
  emit(kFinalCommandFailed, Json{{"kind", kind},
                                 {"command_id", c.command_id},
                                 {"reason", "no answer for good after " + std::to_string(c.attempt) +
                                                " attempts: " + reason}});
}

}  // namespace

std::vector<OutgoingCommand> FinalCommands::Outstanding() const {
  std::vector<OutgoingCommand> out;
  for (const OutgoingCommand& c : pending) {
    if (!retry_at_ms.count(c.command_id)) out.push_back(c);
  }
  return out;
}

std::optional<std::int64_t> FinalCommands::NextWake() const {
  std::optional<std::int64_t> next;
  for (const auto* times : {&deadline_ms, &retry_at_ms}) {
    for (const auto& [_, at] : *times) {
      if (!next || at < *next) next = at;
    }
  }
  return next;
}

bool FinalCommands::Applies(const std::string& t) {
  return std::find(std::begin(kEventTypes), std::end(kEventTypes), t) != std::end(kEventTypes);
}

void FinalCommands::Apply(const std::string& t, const Json& p, const std::string& instance, CommandRefs& refs) {
  std::string id = StringField(p, "command_id");
  if (t == kFinalCommandIssued) {
    OutgoingCommand c = ReadCommandFields(p, instance);
    CommandRef& ref = refs[id];
    ref.phase = StringField(p, "kind");
    ref.attempt = c.attempt;
    Forget(*this, id);
    deadline_ms[id] = IntField(p, "deadline_ms");
    pending.push_back(std::move(c));
  } else if (t == kFinalCommandRetryScheduled) {
    deadline_ms.erase(id);
    retry_at_ms[id] = IntField(p, "at_ms");
  } else if (t == kFinalCommandAcknowledged || (t == kFinalCommandFailed && !id.empty())) {
    auto ref = refs.find(id);
    if (ref != refs.end()) ref->second.answered = true;
    Forget(*this, id);
  }
}

Json FinalCommands::ToJson() const {
  Json commands = Json::array();
  for (const OutgoingCommand& c : pending) {
    Json j = Json::object();
    WriteCommandFields(c, j);
    commands.push_back(std::move(j));
  }
  return Json{{"pending", std::move(commands)}, {"deadline_ms", deadline_ms}, {"retry_at_ms", retry_at_ms}};
}

FinalCommands FinalCommands::FromJson(const Json& j, const std::string& instance) {
  FinalCommands f;
  const Json& commands = j.is_array() ? j : j.at("pending");
  for (const Json& c : commands) f.pending.push_back(ReadCommandFields(c, instance));
  if (j.is_object()) {
    f.deadline_ms = j.at("deadline_ms").get<std::map<std::string, std::int64_t>>();
    f.retry_at_ms = j.at("retry_at_ms").get<std::map<std::string, std::int64_t>>();
  }
  return f;
}

void IssueFinalCommand(const EmitFn& emit, const CommandRefs& refs, const std::optional<dsl::CommandSpec>& spec,
                       const char* kind, const Json& context, const std::string& instance, std::int64_t now) {
  if (!spec) return;
  std::string id = CommandIdFor(instance, "final", kind);
  if (refs.count(id)) return;  // sent once per instance
  Result<OutgoingCommand> c = BuildCommand(*spec, context, id, instance);
  if (!c.ok()) {
    emit(kFinalCommandFailed, Json{{"kind", kind}, {"reason", c.status().message()}});
    return;
  }
  Issue(emit, std::move(c).value(), kind, now);
}

void AnswerFinalCommand(const EmitFn& emit, const FinalCommands& finals, const std::string& command_id, int attempt,
                        const std::string& outcome, const std::string& reason, std::int64_t now) {
  const OutgoingCommand* pending = Find(finals, command_id);
  if (!pending) return;
  if (outcome != "transient") {
    emit(kFinalCommandAcknowledged, Json{{"command_id", command_id}, {"outcome", outcome}});
    return;
  }
  // Only the latest send's transient answer counts: an earlier one may
  // arrive after its resend.
  if (attempt != pending->attempt || finals.retry_at_ms.count(command_id)) return;
  OutgoingCommand c = *pending;  // `emit` changes `finals`
  RetryOrGiveUp(emit, c, KindOf(c), reason, now);
}

void ResendDueFinalCommands(const EmitFn& emit, const FinalCommands& finals, std::int64_t now) {
  std::vector<OutgoingCommand> resend, overdue;  // decided first: `emit` changes `finals`
  for (const OutgoingCommand& c : finals.pending) {
    auto retry = finals.retry_at_ms.find(c.command_id);
    auto deadline = finals.deadline_ms.find(c.command_id);
    if (retry != finals.retry_at_ms.end() && retry->second <= now) resend.push_back(c);
    if (deadline != finals.deadline_ms.end() && deadline->second <= now) overdue.push_back(c);
  }
  for (OutgoingCommand& c : resend) {
    std::string kind = KindOf(c);
    c.attempt++;
    Issue(emit, std::move(c), kind, now);
  }
  for (const OutgoingCommand& c : overdue) {
    RetryOrGiveUp(emit, c, KindOf(c), "no answer within " + dsl::FormatDuration(dsl::kDefaultStepTimeoutMs), now);
  }
}

}  // namespace sagad::coordinator
