// What the dispatcher sends after a commit: the participant commands that
// the just-committed saga/tcc events issued, in event order. Pure.
//
//   CommandResult r = runtime->Send(HandleReply(...)).get();
//   if (r.status.ok()) for (auto& c : CommandsToSend(r.events)) transport.Send(c);
//
// A duplicate command result carries the original events, so their commands
// are sent again: harmless, the command ids are deterministic. After a
// restart, OutstandingCommands(state) (saga_state.h / tcc_state.h) gives the
// ones still waiting for a reply.
#pragma once

#include <vector>

#include "coordinator/outgoing_command.h"
#include "core/envelope.h"

namespace sagad::coordinator {

// Events of any type may be passed; only *Issued events yield commands.
// Correlation id = the event's stream id (the instance id).
std::vector<OutgoingCommand> CommandsToSend(const std::vector<Event>& committed);

// Whether `event_type` issues a participant command.
bool IssuesCommand(const std::string& event_type);

}  // namespace sagad::coordinator
