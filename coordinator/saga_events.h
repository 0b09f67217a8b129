// The saga aggregate's commands and events (aggregate type "Saga", stream id
// = saga id). Every decision is one of these events; the state, the status
// included, is derived from them (saga_evolve.cc). Payload fields are listed
// beside each name; times are Unix milliseconds taken from the command that
// caused the event (Decide never reads a clock).
#pragma once

namespace sagad::coordinator::saga {

inline constexpr char kAggregateType[] = "Saga";

// ---- commands ----
// {definition, version?, input, now_ms, saga_id?}: version absent = latest.
inline constexpr char kStartSaga[] = "StartSaga";
// {command_id, outcome: success|failure|rejected|transient|event, event_type?, data?, reason?, now_ms}
// ("event": classified by the step's success/failure event lists; saga only)
inline constexpr char kHandleReply[] = "HandleReply";
// {now_ms}
inline constexpr char kTimerFired[] = "TimerFired";
// Operator actions, each {actor, reason, now_ms, ...}:
inline constexpr char kRetry[] = "Retry";    // + step?, payload?
inline constexpr char kSkip[] = "Skip";      // + step
inline constexpr char kAbort[] = "Abort";    // + compensate (bool, default true)
inline constexpr char kPause[] = "Pause";
inline constexpr char kResume[] = "Resume";

// ---- events ----
// {saga_id, definition, version, hash, key, input, started_ms}
inline constexpr char kSagaStarted[] = "SagaStarted";
// {step, phase:"do", attempt, command_id, participant, command_type, target, payload, deadline_ms, issued_ms}
inline constexpr char kStepCommandIssued[] = "StepCommandIssued";
// {step, command_id, event_type, captured, late, at_ms}
inline constexpr char kStepSucceeded[] = "StepSucceeded";
// {step, reason, command_id?, at_ms}: starts compensation when running forward.
inline constexpr char kStepFailed[] = "StepFailed";
// {step, phase, attempt, command_id, reason, at_ms}: an attempt that timed out
// or failed transiently; its outcome is unknown (a late success still counts).
inline constexpr char kStepTimedOut[] = "StepTimedOut";
inline constexpr char kAttemptFailed[] = "AttemptFailed";
// {step, phase, attempt (the next one), at_ms, reason}
inline constexpr char kRetryScheduled[] = "RetryScheduled";
// {step, phase:"compensate", attempt, command_id, participant, command_type, target, payload, deadline_ms, issued_ms}
inline constexpr char kCompensationIssued[] = "CompensationIssued";
// {step, command_id, late, at_ms}
inline constexpr char kCompensationSucceeded[] = "CompensationSucceeded";
// {step, attempt, command_id?, reason, at_ms}
inline constexpr char kCompensationFailed[] = "CompensationFailed";
// {step, reason}: a completed step with no `compensate` clause.
inline constexpr char kCompensationSkipped[] = "CompensationSkipped";
// {at_ms}
inline constexpr char kSagaCompleted[] = "SagaCompleted";
inline constexpr char kSagaCompensated[] = "SagaCompensated";
// {step, reason, at_ms}
inline constexpr char kSagaStuck[] = "SagaStuck";
// {kind: on_completed|on_compensated, command_id, participant, command_type, target, payload}
inline constexpr char kFinalCommandIssued[] = "FinalCommandIssued";
// {kind, reason}: the final command could not be built (recorded, saga stays finished).
inline constexpr char kFinalCommandFailed[] = "FinalCommandFailed";
// {command_id, outcome}
inline constexpr char kFinalCommandAcknowledged[] = "FinalCommandAcknowledged";
// {actor, reason, step, phase, payload?, at_ms}
inline constexpr char kOperatorRetried[] = "OperatorRetried";
// {actor, reason, step, phase, at_ms}
inline constexpr char kOperatorSkipped[] = "OperatorSkipped";
// {actor, reason, compensate, at_ms}
inline constexpr char kOperatorAborted[] = "OperatorAborted";
// {actor, reason, at_ms}
inline constexpr char kOperatorPaused[] = "OperatorPaused";
inline constexpr char kOperatorResumed[] = "OperatorResumed";
// {command_id, outcome, event_type, reason}: recorded, no state change.
inline constexpr char kLateReplyIgnored[] = "LateReplyIgnored";
inline constexpr char kDuplicateReplyIgnored[] = "DuplicateReplyIgnored";

// Phases of a step's command ids: "<saga>/<step>/do/<n>", "<saga>/<step>/compensate/<n>";
// final commands: "<saga>/final/on_completed/1".
inline constexpr char kPhaseDo[] = "do";
inline constexpr char kPhaseCompensate[] = "compensate";

}  // namespace sagad::coordinator::saga
