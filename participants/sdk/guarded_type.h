// A participant's aggregate type with the participant's two rules in front,
// so that the author of the type writes only the business:
//
//  * A refusal is an answer too. When the type's handler refuses a command
//    (Rejected, FailedPrecondition, NotFound), the refusal is recorded as a
//    CommandRefused event on the stream. A repeat of that command id is then
//    answered with the same refusal, by the core's idempotency, instead of
//    being decided again on newer state, where it might succeed after the
//    saga has already compensated for the refusal. (InvalidArgument is not
//    recorded: the same command id carries the same payload, so it is
//    refused the same way every time, and bad input changes nothing.)
//  * The saga step barrier (step_barrier.h): a compensation of a command
//    that never ran succeeds as a null compensation and leaves a tombstone
//    that refuses that command if it arrives later.
//
// Participant::Add applies it to every type it is given; the state, its
// snapshots and the events of the wrapped type are unchanged (the snapshot
// gains the barrier beside the type's own).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/aggregate.h"

namespace sagad::participants {

// `commands`: the command types routed to `type` (the barrier applies to a
// compensation only when the forward command it undoes was for the same
// aggregate: one of these types, the same target).
std::shared_ptr<const AggregateBehavior> GuardParticipantType(std::shared_ptr<const AggregateBehavior> type,
                                                              std::vector<std::string> commands);

// The wrapped type's own state inside a guarded state box (tests, tools).
const StateBox& InnerState(const StateBox& guarded);

}  // namespace sagad::participants
