#include "coordinator/commands_to_send.h"

#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"

namespace sagad::coordinator {

bool IssuesCommand(const std::string& t) {
  return t == saga::kStepCommandIssued || t == saga::kCompensationIssued || t == saga::kFinalCommandIssued ||
         t == tcc::kTryIssued || t == tcc::kConfirmIssued || t == tcc::kCancelIssued;
}

std::vector<OutgoingCommand> CommandsToSend(const std::vector<Event>& committed) {
  std::vector<OutgoingCommand> out;
  for (const Event& e : committed) {
    if (IssuesCommand(e.type)) out.push_back(ReadCommandFields(e.payload, e.stream.id));
  }
  return out;
}

}  // namespace sagad::coordinator
