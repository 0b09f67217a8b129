// libFuzzer target for the payloads the saga and tcc deciders read: any
// JSON as the payload of any of their commands (StartSaga, HandleReply,
// TimerFired, Retry, Skip, Abort, Pause, Resume; StartTcc, HandleReply,
// TimerFired, Retry), decided on a state built from a fixed valid history
// (fuzz_histories.h). The input's first line names the state and the
// command, e.g. "charging HandleReply"; the rest is the payload.
//
// Decide must refuse bad payloads with a Status, never crash or throw; what
// it accepts is applied as the runtime would, and the state it reaches must
// snapshot, restore, show in the API and then take a timer (far later, so
// every deadline and retry is due) the same way.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "coordinator/fuzz/fuzz_histories.h"

namespace {

using namespace sagad;                     // NOLINT
using namespace sagad::coordinator::fuzz;  // NOLINT

constexpr std::int64_t kLater = kT0 + 365LL * 24 * 3600 * 1000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Histories histories;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos) return 0;
  std::string_view header = input.substr(0, line_end);
  std::size_t space = header.find(' ');
  if (space == std::string_view::npos) return 0;
  const Start* start = histories.Find(std::string(header.substr(0, space)));
  if (!start) return 0;
  std::string type(header.substr(space + 1));
  // The API parses what it is given with ParseJson; anything else is a string.
  std::string_view text = input.substr(line_end + 1);
  Result<Json> parsed = ParseJson(text);
  Json payload = parsed.ok() ? std::move(parsed).value() : Json(std::string(text));

  const AggregateBehavior& behavior = *start->behavior;
  std::unique_ptr<StateBox> box = CopyState(behavior, *start->state);
  std::int64_t version =
      DecideAndApply(behavior, *box, start->id, start->version, FuzzCommand(type, start->id, behavior.type(), payload));
  (void)DecideAndApply(behavior, *box, start->id, version,
                       FuzzCommand("TimerFired", start->id, behavior.type(), Json{{"now_ms", kLater}}));
  return 0;
}
