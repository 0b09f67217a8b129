// The state of one saga instance, rebuilt from its events (saga_evolve.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/instance_origin.h"
#include "core/aggregate.h"
#include "coordinator/definition_catalog.h"
#include "coordinator/outgoing_command.h"
#include "core/envelope.h"
#include "core/json.h"

namespace sagad::coordinator {

enum class SagaStatus { kNew, kRunning, kCompensating, kCompleted, kCompensated, kStuck, kPaused, kAborted };
std::string_view SagaStatusName(SagaStatus status);  // "RUNNING", ...

enum class StepStatus {
  kPending,                    // not issued yet
  kRunning,                    // command outstanding
  kRetryWaiting,               // an attempt timed out / failed transiently; next attempt at retry_at_ms
  kSucceeded,                  // done (and, when compensating, waiting to be compensated)
  kFailed,                     // failed for good (never needs compensation)
  kCompensating,               // compensation outstanding
  kCompensationRetryWaiting,   // compensation attempt failed; next at retry_at_ms
  kCompensated,                // undone (or skipped by an operator)
  kCompensationSkipped,        // completed but has no `compensate`
  kCompensationFailed,         // compensation budget spent: the saga is STUCK on it
};
std::string_view StepStatusName(StepStatus status);

struct StepState {
  StepStatus status = StepStatus::kPending;
  int attempts = 0;               // forward attempts issued
  int compensation_attempts = 0;  // compensation attempts issued
  int budget_base = 0;            // attempts not counted against the retry budget (operator retry resets)
  int compensation_budget_base = 0;
  std::string last_error;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  std::optional<OutgoingCommand> outstanding;  // the command awaiting its reply
  std::int64_t deadline_ms = 0;                // of `outstanding`
  std::int64_t retry_at_ms = 0;                // when retry-waiting
  std::optional<Json> payload_override;        // an operator's edited payload for the next attempt
};

// What an issued command id refers to.
struct CommandRef {
  std::string step;   // empty for final commands
  std::string phase;  // "do", "compensate", "on_completed", "on_compensated"
  int attempt = 0;
  bool answered = false;  // its outcome has been recorded
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
  std::map<std::string, CommandRef> commands;  // every command id issued
  std::vector<OutgoingCommand> unacknowledged_finals;
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
