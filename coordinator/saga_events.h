// The saga aggregate's commands and events (aggregate type "Saga", stream id
// = saga id). Every decision is one of these events; the state, the status
// included, is derived from them (saga_evolve.cc). Payload fields are listed
// beside each name; times are Unix milliseconds taken from the command that
// caused the event (Decide never reads a clock).
#pragma once

#include "coordinator/final_commands.h"

namespace sagad::coordinator::saga {

inline constexpr char kAggregateType[] = "Saga";

// ---- commands ----
// {definition, version?, input, now_ms, saga_id?}: version absent = latest.
inline constexpr char kStartSaga[] = "StartSaga";
// {command_id, attempt?, outcome: success|failure|rejected|transient|event, event_type?, data?, reason?, now_ms}
// ("event": classified by the step's success/failure event lists; saga only).
// `attempt` is the send the answer belongs to (absent: the latest). A
// success or a failure is definitive whichever attempt it answers; a
// transient answer counts only for the latest attempt.
inline constexpr char kHandleReply[] = "HandleReply";
// {now_ms}
inline constexpr char kTimerFired[] = "TimerFired";
// Operator actions, each {actor, reason, now_ms, ...}:
inline constexpr char kRetry[] = "Retry";    // + step?, payload? (payload: only once the earlier outcome is definitive)
inline constexpr char kSkip[] = "Skip";      // + step
inline constexpr char kAbort[] = "Abort";    // + compensate (bool, default true)
inline constexpr char kPause[] = "Pause";
inline constexpr char kResume[] = "Resume";

// ---- events ----
// {saga_id, definition, version, hash, key, input, started_ms}
inline constexpr char kSagaStarted[] = "SagaStarted";
// {step, phase:"do", attempt, command_id, participant, command_type, target, payload, compensable?,
//  deadline_ms, issued_ms}: one per send; every attempt carries the same command_id.
inline constexpr char kStepCommandIssued[] = "StepCommandIssued";
// {step, command_id, attempt, event_type, captured, late, at_ms}
inline constexpr char kStepSucceeded[] = "StepSucceeded";
// {step, reason, command_id?, attempt?, at_ms}: a definitive failure (a failure
// event, a refusal, a command that could not be built): nothing to undo.
// Starts compensation when running forward.
inline constexpr char kStepFailed[] = "StepFailed";
// {step, phase, attempt, command_id, reason, at_ms}: an attempt that timed out
// or failed transiently; its outcome is unknown (a late success still counts).
inline constexpr char kStepTimedOut[] = "StepTimedOut";
inline constexpr char kAttemptFailed[] = "AttemptFailed";
// {step, reason, attempts, at_ms}: the step's retry budget is spent and its
// outcome is still unknown. The saga compensates, and resolves this step
// first (resends it within its `resolve retry` budget): a success is then
// compensated, a failure needs nothing.
inline constexpr char kStepInDoubt[] = "StepInDoubt";
// {step, phase, attempt (the next one), at_ms, reason}
inline constexpr char kRetryScheduled[] = "RetryScheduled";
// {step, phase:"compensate", attempt, command_id, compensates, participant, command_type, target, payload,
//  deadline_ms, issued_ms}
inline constexpr char kCompensationIssued[] = "CompensationIssued";
// {step, command_id, late, at_ms}
inline constexpr char kCompensationSucceeded[] = "CompensationSucceeded";
// {step, attempt, command_id?, reason, at_ms}: the participant refused the
// compensation (definitive: a resend gets the same refusal), or it could not
// be built. The saga is STUCK on it; an operator's Retry issues a new command.
inline constexpr char kCompensationFailed[] = "CompensationFailed";
// {step, reason}: a completed step with no `compensate` clause.
inline constexpr char kCompensationSkipped[] = "CompensationSkipped";
// {at_ms}
inline constexpr char kSagaCompleted[] = "SagaCompleted";
inline constexpr char kSagaCompensated[] = "SagaCompensated";
// {step, phase: do|compensate, reason, at_ms}: needs an operator. phase "do":
// the step is in doubt and its resolution budget is spent; "compensate": its
// compensation was refused or its budget is spent.
inline constexpr char kSagaStuck[] = "SagaStuck";
// FinalCommandIssued, FinalCommandAcknowledged, FinalCommandRetryScheduled,
// FinalCommandFailed: see final_commands.h (the same for tcc).
using coordinator::kFinalCommandAcknowledged;
using coordinator::kFinalCommandFailed;
using coordinator::kFinalCommandIssued;
using coordinator::kFinalCommandRetryScheduled;
// {actor, reason, step, phase, revision, payload?, at_ms}: revision > 1 names a
// new command (CommandIdFor), issued after a definitive refusal.
inline constexpr char kOperatorRetried[] = "OperatorRetried";
// {actor, reason, step, phase, in_doubt, at_ms}: in_doubt = the step's outcome
// was unknown: the operator's word that nothing needs undoing.
inline constexpr char kOperatorSkipped[] = "OperatorSkipped";
// {actor, reason, compensate, at_ms}
inline constexpr char kOperatorAborted[] = "OperatorAborted";
// {actor, reason, at_ms}
inline constexpr char kOperatorPaused[] = "OperatorPaused";
inline constexpr char kOperatorResumed[] = "OperatorResumed";
// {command_id, outcome, event_type, reason}: recorded, no state change.
inline constexpr char kLateReplyIgnored[] = "LateReplyIgnored";
inline constexpr char kDuplicateReplyIgnored[] = "DuplicateReplyIgnored";

// Phases of a step's command ids: "<saga>/<step>/do", "<saga>/<step>/compensate"
// (an operator's new compensation command: ".../compensate/rev2"); final
// commands: "<saga>/final/on_completed".
inline constexpr char kPhaseDo[] = "do";
inline constexpr char kPhaseCompensate[] = "compensate";

}  // namespace sagad::coordinator::saga
