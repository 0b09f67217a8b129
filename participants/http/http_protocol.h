// The HTTP participant protocol as pure functions (docs/participants.md):
// what the coordinator POSTs for a command, and how a participant's answer
// becomes a coordinator Reply. Kept apart from the sockets so every row of
// the mapping table is tested without a server.
#pragma once

#include <string>
#include <string_view>

#include "coordinator/outgoing_command.h"
#include "coordinator/transport.h"

namespace sagad::participants {

// {"command_id", "attempt", "saga_id", "type", "target", "payload"} and, for
// saga steps, "compensable": true on a forward command that has a
// compensation, "compensates": {"command_id", "command_type", "target"} on a
// compensation; saga_id is the command's correlation id. The command id is
// the same on every attempt: a participant answers a repeat with its first
// answer (docs/participants.md).
std::string CommandRequestBody(const coordinator::OutgoingCommand& command);

// Maps a complete HTTP answer from `url`:
//   2xx + {"event": E, "data": D}  -> kEvent E with D ({} if absent)
//   2xx + {"data": D} or empty     -> kSuccess with D
//   409 / 422                      -> kFailure, event_type = body.event,
//                                     reason = body.error | body.event | "HTTP 422"
//   3xx                            -> kTransient, reason names the URL, the status
//                                     and `location` (the Location header): never
//                                     followed, see RedirectReason in the .cc
//   anything else, or a 2xx whose body is not a JSON object of that shape
//                                  -> kTransient, reason names the URL and status
coordinator::Reply MapHttpReply(unsigned status, std::string_view body, std::string_view url,
                                std::string_view location = {});

// A kTransient reply with `reason`: the outcome is unknown, retry.
coordinator::Reply TransientReply(std::string reason);

}  // namespace sagad::participants
