// libFuzzer target for the participants' guarded snapshots: Restore of a
// type wrapped by GuardParticipantType (guarded_type.h) on the JSON the
// store read back, for the sample participants' types as sagad registers
// them (StockItem, Account, Order) and for the core demo's BankAccount, a
// type with snapshots of its own. The input's first line is the aggregate
// type; the rest is the stored snapshot text.
//
// Restore must answer Corruption or a state, never crash or throw. A state
// it gives snapshots and restores to the same, and then takes commands as
// the runtime would hand them: the same JSON is the coordinator's marks
// (the command's metadata, StepMarks) on a compensation and on its event.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/fuzz/check.h"
#include "core/fuzz/restore_check.h"
#include "core/testing/bank_account.h"
#include "participants/sdk/guarded_type.h"
#include "participants/sdk/step_barrier.h"
#include "samples/order-inventory-payment/sample_participants.h"

namespace {

using namespace sagad;  // NOLINT
using sagad::fuzz::Check;

struct Guarded {
  AggregateRegistry registry;
  std::map<std::string, std::string> first_command;  // per type: a command routed to it

  Guarded() {
    Result<std::vector<participants::Participant>> sample = sample::MakeSampleParticipants();
    Check(sample.ok(), "the sample participants build");
    for (const participants::Participant& p : *sample) {
      Check(p.RegisterInto(registry).ok(), "the sample participants register");
      for (const std::string& command : p.Commands()) first_command.emplace(*p.RouteOf(command), command);
    }
    Check(registry.Register(participants::GuardParticipantType(testing::MakeBankAccountType(), {"Deposit", "Withdraw"}))
              .ok(),
          "the guarded bank account registers");
    first_command.emplace("BankAccount", "Deposit");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Guarded guarded;
  auto input = fuzz::HeaderAndRest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!input) return 0;
  std::string type(input->first);
  const AggregateBehavior* behavior = guarded.registry.Find(type);
  if (!behavior) return 0;
  std::unique_ptr<StateBox> restored = fuzz::RestoreStored(*behavior, input->second);
  if (!restored) return 0;
  StateBox& box = *restored;
  if (behavior->SupportsSnapshots()) {
    Json snapshot = behavior->Snapshot(box);
    Result<std::unique_ptr<StateBox>> again = behavior->Restore(snapshot);
    Check(again.ok() && behavior->Snapshot(**again) == snapshot, "a restored snapshot snapshots the same");
  }

  Command command;
  command.command_id = "o-1/step/compensate";
  command.target = {type, "target-1"};
  command.type = guarded.first_command.at(type);
  command.payload = Json::object();
  command.metadata = *ParseStoredJson(input->second);  // parsed: it restored
  Decision decision = behavior->Decide(box, command);
  Check(decision.ok() || decision.status().code() != StatusCode::kInternal, "a refusal is not an Internal error");
  // Its events as the runtime applies them, and the barrier's own event as
  // a replay reads it back: the command's metadata copied onto each.
  Events events = decision.ok() ? *decision : Events{};
  events.push_back(EventData{participants::kCompensatedBeforeForward, Json::object()});
  std::int64_t version = 0;
  for (const EventData& data : events) {
    Event event;
    event.stream = command.target;
    event.version = ++version;
    event.command_id = command.command_id;
    event.type = data.type;
    event.payload = data.payload;
    event.metadata = command.metadata;
    behavior->Evolve(box, event);
  }
  return 0;
}
