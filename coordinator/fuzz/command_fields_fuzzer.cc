// libFuzzer target for the coordinator's reading of command fields from
// its events (ReadCommandFields, and CommandsToSend on each *Issued event
// type): any JSON as a stored event's payload. Beyond "no crash, no throw":
// what is read writes back (WriteCommandFields) to fields that read the
// same command, and the dispatcher sends exactly what ReadCommandFields
// reads from an issuing event.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "coordinator/commands_to_send.h"
#include "coordinator/outgoing_command.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "core/fuzz/check.h"

namespace {

using namespace sagad;               // NOLINT
using namespace sagad::coordinator;  // NOLINT
using sagad::fuzz::Check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Result<Json> stored = ParseStoredJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!stored.ok()) return 0;
  OutgoingCommand command = ReadCommandFields(*stored, "o-1");
  Json written = Json::object();
  WriteCommandFields(command, written);
  Check(ReadCommandFields(written, "o-1") == command, "written command fields read back the same command");
  (void)DeliveryMetadata(command);

  for (const char* type : {saga::kStepCommandIssued, saga::kCompensationIssued, tcc::kTryIssued, tcc::kConfirmIssued,
                           tcc::kCancelIssued, kFinalCommandIssued}) {
    Check(IssuesCommand(type), "the *Issued events issue commands");
    Event e;
    e.stream = {saga::kAggregateType, "o-1"};
    e.version = 1;
    e.type = type;
    e.payload = *stored;
    std::vector<OutgoingCommand> sent = CommandsToSend({e});
    Check(sent.size() == 1 && sent.front() == command, "CommandsToSend sends what ReadCommandFields reads");
  }
  return 0;
}
