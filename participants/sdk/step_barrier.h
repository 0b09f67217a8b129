// The saga step barrier: what a participant remembers per forward command
// of a saga step (by its command id), so that its compensation may arrive
// late, early or more than once without harm. The TCC barrier's rules
// (tcc_barrier.h), for saga steps:
//
//   command        nothing known         ran     refused   compensated   compensated before it ran
//   forward        run                   -       -         -             refused (recorded)
//   compensation   null compensation,    run     no-op     no-op         no-op
//                  leaves the tombstone
//
// "-": a repeat of the same command id, which the core answers with its
// first answer without deciding it again. "run" is the aggregate's own
// handler. "null compensation" succeeds with the tombstone event and runs
// nothing, so a forward command still on the wire cannot take effect after
// the saga has undone it. "no-op" succeeds and emits nothing: there is
// nothing (more) to undo; that covers an operator's second compensation
// command for a step that was undone already.
//
// The coordinator marks what it sends (core Command metadata, or the HTTP
// body): a forward command that has a compensation carries
// `compensable: true`; a compensation carries `compensates: {command_id,
// command_type, target}`, the forward command it undoes. The barrier lives
// in the state of the aggregate the forward command changed, so it applies
// when the compensation is for that same aggregate (the usual case: release
// the stock item you reserved, refund the account you charged); a
// compensation routed elsewhere runs as an ordinary command.
//
// GuardParticipantType (guarded_type.h) puts the barrier, and recorded
// refusals, in front of every aggregate type a Participant declares.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/aggregate.h"
#include "core/json.h"

namespace sagad::participants {

// Events the barrier records on the participant's stream.
inline constexpr char kCommandRefused[] = "CommandRefused";  // {command_type, reason}
inline constexpr char kCompensatedBeforeForward[] =
    "CompensatedBeforeForward";  // {forward_command_id, forward_command_type}

enum class ForwardPhase { kRan, kRefused, kCompensated, kCompensatedBeforeItRan };

// What the coordinator said beside a command (its metadata).
struct StepMarks {
  bool compensable = false;  // a forward command with a compensation
  std::optional<std::string> compensates_id;  // a compensation: the forward command's id
  std::string compensates_type;
  std::string compensates_target;

  static StepMarks Of(const Json& metadata);
};

class StepBarrier {
 public:
  std::optional<ForwardPhase> Find(const std::string& forward_command_id) const;
  void Record(const std::string& forward_command_id, ForwardPhase phase);
  std::size_t size() const { return forwards_.size(); }

  Json ToJson() const;
  static Result<StepBarrier> FromJson(const Json& json);  // Corruption for a malformed value

 private:
  std::map<std::string, ForwardPhase> forwards_;
};

// Decide in front of the aggregate's own handler. nullopt: let the handler
// decide. `barrier_applies`: the compensation is for a forward command of
// this same aggregate.
std::optional<Decision> DecideAtBarrier(const StepBarrier& barrier, const StepMarks& marks, bool barrier_applies,
                                        const Command& command);

// Evolve: what `event` tells the barrier (nothing for events of commands
// the coordinator did not mark).
void EvolveAtBarrier(StepBarrier& barrier, bool barrier_applies, const Event& event);

// A refusal as an event, so that a repeat of the command id is answered with
// the same refusal (never a later success).
EventData RefusalEvent(const Command& command, const Status& refusal);

}  // namespace sagad::participants
