// The state of one saga instance, rebuilt from its events (saga_evolve.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/final_commands.h"
#include "coordinator/instance_origin.h"
#include "core/aggregate.h"
#include "coordinator/definition_catalog.h"
#include "coordinator/outgoing_command.h"
#include "core/envelope.h"
#include "core/json.h"

namespace sagad::coordinator {

enum class SagaStatus { kNew, kRunning, kCompensating, kCompleted, kCompensated, kStuck, kPaused, kAborted };
std::string_view SagaStatusName(SagaStatus status);  // "RUNNING", ...

// A step is *in doubt* while its command was sent and no definitive answer
// (success or business failure) is recorded: kRunning, kRetryWaiting and
// kInDoubt. An in-doubt step is never abandoned: when the saga compensates
// it is resolved first (resent with the same command id), so COMPENSATED
// means every forward effect was undone or proven absent.
// (Values are stored in snapshots: add new ones at the end.)
enum class StepStatus {
  kPending,                    // not issued yet
  kRunning,                    // command outstanding
  kRetryWaiting,               // an attempt timed out / failed transiently; next attempt at retry_at_ms
  kSucceeded,                  // done (and, when compensating, waiting to be compensated)
  kFailed,                     // failed for good: nothing to undo (refused, failure event, never sent)
  kCompensating,               // compensation outstanding
  kCompensationRetryWaiting,   // compensation attempt failed transiently; next at retry_at_ms
  kCompensated,                // undone (or marked undone by an operator)
  kCompensationSkipped,        // completed but has no `compensate`
  kCompensationFailed,         // compensation refused or its budget spent: the saga is STUCK on it
  kInDoubt,                    // outcome unknown and the resolution budget spent: the saga is STUCK on it
  kSkipped,                    // was in doubt; an operator said nothing needs undoing
};
std::string_view StepStatusName(StepStatus status);

struct StepState {
  StepStatus status = StepStatus::kPending;
  int attempts = 0;               // forward attempts issued
  int compensation_attempts = 0;  // compensation attempts issued (over every revision)
  // Attempts not counted against the current budget: set when an operator
  // retries, and when the saga turns to compensation (resolution of an
  // in-doubt step has a budget of its own).
  int budget_base = 0;
  int compensation_budget_base = 0;
  int compensation_revision = 1;     // > 1 after an operator retried a refused compensation
  bool compensation_refused = false; // the last compensation answer was a definitive refusal
  std::string last_error;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  std::optional<OutgoingCommand> outstanding;  // the command awaiting its reply
  // The command last issued in the current phase (forward or compensation):
  // a retry resends exactly it, so one command id never carries two payloads.
  std::optional<OutgoingCommand> sent;
  std::string forward_target;                  // the target its forward command was sent to
  std::int64_t deadline_ms = 0;                // of `outstanding`
  std::int64_t retry_at_ms = 0;                // when retry-waiting
  std::optional<Json> payload_override;        // an operator's edited payload for the next new command

  // Waiting for a definitive answer to its forward command.
  bool in_doubt() const {
    return status == StepStatus::kRunning || status == StepStatus::kRetryWaiting || status == StepStatus::kInDoubt;
  }
};

// An operator's Skip, kept for the instance view: a COMPENSATED saga with a
// skipped step is shown with the operator's word beside it.
struct OperatorSkip {
  std::string step;
  std::string phase;  // "do" or "compensate"
  bool in_doubt = false;
  std::string actor;
  std::string reason;
  std::int64_t at_ms = 0;
};

struct SagaState : InstanceOrigin {
  enum class Phase { kNew, kForward, kCompensating, kCompleted, kCompensated, kStuck, kAborted };

  Phase phase = Phase::kNew;
  bool paused = false;
  std::string saga_id;
  // Null when this process has not loaded the definition (or it changed):
  // Decide refuses to act until it is loaded.
  std::shared_ptr<const CatalogEntry> definition;
  Json context = Json::object();  // input at the root, saga_id, captures, failure
  std::map<std::string, StepState> steps;
  CommandRefs commands;  // every command id issued
  FinalCommands finals;
  std::vector<OperatorSkip> operator_skips;
  std::int64_t finished_ms = 0;
  std::string stuck_reason;

  SagaStatus status() const;
  bool compensating() const { return phase == Phase::kCompensating || phase == Phase::kStuck; }
  bool finished() const {
    return phase == Phase::kCompleted || phase == Phase::kCompensated || phase == Phase::kAborted;
  }
  const StepState* step(const std::string& name) const;
};

// Applies one saga event; the catalog resolves SagaStarted's definition.
void ApplySagaEvent(SagaState& state, const Event& event, const DefinitionCatalog* catalog);

// The earliest time a TimerFired has something to do (a deadline or a due
// retry); nullopt when nothing is pending. The dispatcher arms one timer per
// instance at this time.
std::optional<std::int64_t> NextDeadline(const SagaState& state);

// Commands sent but not answered: after recovery the dispatcher resends them
// (same command ids, so harmless). Includes unacknowledged final commands.
std::vector<OutgoingCommand> OutstandingCommands(const SagaState& state);
// What the runtime records in the store's active index and hands the
// dispatcher after each command: active until finished (and final commands
// acknowledged), woken at NextDeadline.
Activity ActivityOf(const SagaState& state);

// Snapshots. FromJson resolves the definition in `catalog`.
Json SagaStateToJson(const SagaState& state);
Result<SagaState> SagaStateFromJson(const Json& json, const DefinitionCatalog* catalog);

}  // namespace sagad::coordinator
