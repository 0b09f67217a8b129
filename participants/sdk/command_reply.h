// How a participant aggregate's answer to a command becomes the Reply the
// coordinator acts on. Shared by every transport that runs participant
// aggregates on a core AggregateRuntime.
//
//   committed events          kEvent: the last event's type and payload (the
//                             step's success/failure lists classify it)
//   a CommandRefused event    kFailure: a recorded refusal (guarded_type.h),
//                             the first time and on every repeat
//   OK, no event (a repeat)   kSuccess
//   Rejected, FailedPrecondition   kFailure: a business refusal, compensate
//   InvalidArgument, NotFound kFailure: the command can never succeed as sent
//   anything else             kTransient: Unavailable, Conflict, ... retry
#pragma once

#include <string>

#include "coordinator/transport.h"
#include "core/runtime/command_result.h"

namespace sagad::participants {

// `participant` and `command_type` only make reasons readable. A failure
// event's string field "reason", if any, becomes the Reply's reason, so the
// saga's $.failure.reason says why rather than just the event type.
coordinator::Reply ReplyFor(const std::string& participant, const std::string& command_type,
                            const CommandResult& result);

}  // namespace sagad::participants
