// The commands an instance sends once it has ended (`on completed send`,
// `on compensated send`): the same rules for sagas and tcc transactions, so
// they live here once. A final command is sent when the end is durable and
// resent (same command id, next attempt, with backoff) after a transient
// answer or none (no answer within kDefaultStepTimeoutMs counts as
// transient), until the participant answers for good; if the budget is
// spent it is recorded as failed, visibly, and the instance stops waiting.
// Its outcome never changes the instance's own: COMPLETED stays COMPLETED.
//
// Events (payloads):
//   FinalCommandIssued         {kind, command_id, attempt, participant, command_type, target, payload, deadline_ms}
//   FinalCommandAcknowledged   {command_id, outcome}
//   FinalCommandRetryScheduled {command_id, attempt (the next one), at_ms, reason}
//   FinalCommandFailed         {kind, reason, command_id?}: could not be built, or its budget is spent
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/outgoing_command.h"
#include "core/json.h"
#include "saga-dsl/ast.h"

namespace sagad::coordinator {

inline constexpr char kFinalCommandIssued[] = "FinalCommandIssued";
inline constexpr char kFinalCommandAcknowledged[] = "FinalCommandAcknowledged";
inline constexpr char kFinalCommandRetryScheduled[] = "FinalCommandRetryScheduled";
inline constexpr char kFinalCommandFailed[] = "FinalCommandFailed";

// What an issued command id refers to (sagas and tcc keep one per id).
struct CommandRef {
  std::string step;   // the step or branch; empty for final commands
  std::string phase;  // "do", "compensate", "try", ...; the kind for final commands
  int attempt = 0;    // the latest send of this id
  bool answered = false;  // a definitive outcome has been recorded
};
using CommandRefs = std::map<std::string, CommandRef>;

struct FinalCommands {
  std::vector<OutgoingCommand> pending;            // issued, not answered for good
  std::map<std::string, std::int64_t> deadline_ms;  // of those sent and awaiting their answer
  std::map<std::string, std::int64_t> retry_at_ms;  // of those waiting to be resent

  bool empty() const { return pending.empty(); }
  // Sent and waiting for their answer (what a recovery resends).
  std::vector<OutgoingCommand> Outstanding() const;
  // The next deadline or retry time.
  std::optional<std::int64_t> NextWake() const;

  // Appliers, one per event above; `refs` is the instance's CommandRefs.
  void Apply(const std::string& event_type, const Json& payload, const std::string& instance, CommandRefs& refs);
  static bool Applies(const std::string& event_type);
  static constexpr const char* kEventTypes[] = {kFinalCommandIssued, kFinalCommandAcknowledged,
                                                kFinalCommandRetryScheduled, kFinalCommandFailed};

  Json ToJson() const;
  // Also reads the older form, a plain array of commands.
  static FinalCommands FromJson(const Json& json, const std::string& instance);
};

// Decide: each emits through `emit` (the decider's Emit, which applies too).
using EmitFn = std::function<void(const char* type, Json payload)>;

// Issues the final command of `kind` ("on_completed", "on_compensated") if
// the definition has one and it was not issued before.
void IssueFinalCommand(const EmitFn& emit, const CommandRefs& refs, const std::optional<dsl::CommandSpec>& spec,
                       const char* kind, const Json& context, const std::string& instance, std::int64_t now_ms);
// A reply to a final command: acknowledged when definitive, else resent
// with backoff within the budget.
void AnswerFinalCommand(const EmitFn& emit, const FinalCommands& finals, const std::string& command_id, int attempt,
                        const std::string& outcome, const std::string& reason, std::int64_t now_ms);
// Times out the final commands whose answer is overdue and resends those
// whose retry time has come.
void ResendDueFinalCommands(const EmitFn& emit, const FinalCommands& finals, std::int64_t now_ms);

}  // namespace sagad::coordinator
