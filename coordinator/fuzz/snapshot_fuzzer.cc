// libFuzzer target for snapshot decoding: SagaStateFromJson and
// TccStateFromJson as the runtime reaches them (the aggregate's Restore on
// the JSON the store read back). The input's first line is the aggregate
// type, "Saga" or "Tcc"; the rest is the stored snapshot text.
//
// Restore must answer Corruption or a state, never crash or throw. A state
// it gives is then used as the runtime would use a restored one: its
// activity and the commands to resend, the API's view, its snapshot again
// (which must restore to the same), and the next timer and replies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "coordinator/fuzz/fuzz_histories.h"
#include "core/fuzz/restore_check.h"

namespace {

using namespace sagad;                     // NOLINT
using namespace sagad::coordinator;        // NOLINT
using namespace sagad::coordinator::fuzz;  // NOLINT

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Histories histories;
  static const auto saga = std::shared_ptr<const AggregateBehavior>(MakeSagaAggregate(histories.catalog()));
  static const auto tcc = std::shared_ptr<const AggregateBehavior>(MakeTccAggregate(histories.catalog()));
  auto input = ::sagad::fuzz::HeaderAndRest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!input) return 0;
  const auto& [type, text] = *input;
  const AggregateBehavior* behavior = type == saga->type() ? saga.get() : type == tcc->type() ? tcc.get() : nullptr;
  if (!behavior) return 0;
  std::unique_ptr<StateBox> restored = ::sagad::fuzz::RestoreStored(*behavior, text);
  if (!restored) return 0;
  StateBox& box = *restored;
  const std::string id = "o-1";
  const std::int64_t version = 10;
  UseState(*behavior, box, version);
  std::vector<coordinator::OutgoingCommand> outstanding = behavior == saga.get()
                                                             ? OutstandingCommands(SagaAggregate::Unbox(box))
                                                             : OutstandingCommands(TccAggregate::Unbox(box));
  std::int64_t now = kT0 + 1'000'000;
  std::int64_t v = DecideAndApply(*behavior, box, id, version,
                                  FuzzCommand("TimerFired", id, behavior->type(), Json{{"now_ms", now}}));
  for (const coordinator::OutgoingCommand& c : outstanding) {
    Json reply = {{"command_id", c.command_id}, {"outcome", "success"}, {"data", Json::object()}, {"now_ms", ++now}};
    v = DecideAndApply(*behavior, box, id, v, FuzzCommand("HandleReply", id, behavior->type(), reply));
  }
  return 0;
}
