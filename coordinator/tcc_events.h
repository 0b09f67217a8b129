// The tcc aggregate's commands and events (aggregate type "Tcc", stream id =
// transaction id). Times are Unix ms from the causing command's now_ms.
#pragma once

#include "coordinator/final_commands.h"

namespace sagad::coordinator::tcc {

inline constexpr char kAggregateType[] = "Tcc";

// ---- commands ----
// {definition, version?, input, now_ms, tcc_id?}
inline constexpr char kStartTcc[] = "StartTcc";
// Same payloads as the saga's: {command_id, outcome, event_type?, data?, reason?, now_ms}, {now_ms}.
inline constexpr char kHandleReply[] = "HandleReply";
inline constexpr char kTimerFired[] = "TimerFired";
// {actor, reason, now_ms, branch?}: re-run the stuck confirm/cancel (of one
// branch, or of every stuck branch) with a fresh retry budget.
inline constexpr char kRetry[] = "Retry";

// ---- events ----
// {tcc_id, definition, version, hash, key, input, started_ms, deadline_ms}
inline constexpr char kTccStarted[] = "TccStarted";
// {branch, phase: try|confirm|cancel, attempt, command_id, participant, command_type, target, payload,
//  deadline_ms, issued_ms}
inline constexpr char kTryIssued[] = "TryIssued";
inline constexpr char kConfirmIssued[] = "ConfirmIssued";
inline constexpr char kCancelIssued[] = "CancelIssued";
// {branch, command_id, at_ms}
inline constexpr char kTrySucceeded[] = "TrySucceeded";
inline constexpr char kConfirmSucceeded[] = "ConfirmSucceeded";
inline constexpr char kCancelSucceeded[] = "CancelSucceeded";
// {branch, command_id?, reason, at_ms}: a refused try.
inline constexpr char kTryFailed[] = "TryFailed";
// {reason, at_ms}: the try phase outlived the tcc timeout.
inline constexpr char kTccTimedOut[] = "TccTimedOut";
// {decision: confirm|cancel, reason, at_ms}
inline constexpr char kTccDecided[] = "TccDecided";
// {branch, phase, attempt, command_id, reason, at_ms}: timeout / transient / refusal of one attempt.
inline constexpr char kAttemptFailed[] = "AttemptFailed";
// {branch, phase, attempt (next), at_ms, reason}
inline constexpr char kRetryScheduled[] = "RetryScheduled";
// {at_ms}
inline constexpr char kTccConfirmed[] = "TccConfirmed";
inline constexpr char kTccCancelled[] = "TccCancelled";
// {branch, phase, reason, at_ms}
inline constexpr char kTccStuck[] = "TccStuck";
// {actor, reason, branch, phase, at_ms}
inline constexpr char kOperatorRetried[] = "OperatorRetried";
// Final commands: see final_commands.h (the same for sagas).
using coordinator::kFinalCommandAcknowledged;
using coordinator::kFinalCommandFailed;
using coordinator::kFinalCommandIssued;
using coordinator::kFinalCommandRetryScheduled;
inline constexpr char kLateReplyIgnored[] = "LateReplyIgnored";
inline constexpr char kDuplicateReplyIgnored[] = "DuplicateReplyIgnored";

inline constexpr char kPhaseTry[] = "try";
inline constexpr char kPhaseConfirm[] = "confirm";
inline constexpr char kPhaseCancel[] = "cancel";

}  // namespace sagad::coordinator::tcc
