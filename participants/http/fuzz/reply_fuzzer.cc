// libFuzzer target for the participants' HTTP reply decoder: MapHttpReply
// on any status and body. The input's first line is the status (decimal);
// the rest is the body. Beyond "no crash, no throw", the mapping table of
// http_protocol.h holds:
//   2xx      -> success, an event (named), or transient for a malformed body
//   409/422  -> failure with a reason
//   other    -> transient, the reason naming the status and the URL
// and a transient reason quotes the body only in part (it goes into the
// saga's history: an operator needs the gist, not a page).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/fuzz/check.h"
#include "participants/http/http_protocol.h"

namespace {

using sagad::coordinator::Reply;
using sagad::fuzz::Check;

constexpr std::string_view kUrl = "http://127.0.0.1:9101/inventory/ReserveStock";
// What a reason may add to the URL, the status and a quoted part of the body.
constexpr std::size_t kMaxTransientReason = 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos || line_end == 0 || line_end > 9) return 0;
  unsigned status = 0;
  for (char ch : input.substr(0, line_end)) {
    if (ch < '0' || ch > '9') return 0;
    status = status * 10 + static_cast<unsigned>(ch - '0');
  }
  std::string_view body = input.substr(line_end + 1);
  Reply reply = sagad::participants::MapHttpReply(status, body, kUrl);

  Check(reply.data.is_object(), "a reply's data is an object");
  std::string named = "HTTP " + std::to_string(status);
  if (reply.outcome == Reply::Outcome::kTransient) {
    Check(reply.reason.find(named) != std::string::npos && reply.reason.find(kUrl) != std::string::npos,
          "a transient reply names the status and the URL");
    Check(reply.reason.size() <= kUrl.size() + kMaxTransientReason, "a transient reason quotes the body in part");
  }
  if (status >= 200 && status < 300) {
    Check(reply.outcome != Reply::Outcome::kFailure, "a 2xx is never a business failure");
    if (reply.outcome == Reply::Outcome::kEvent) Check(!reply.event_type.empty(), "an event reply names its event");
  } else if (status == 409 || status == 422) {
    Check(reply.outcome == Reply::Outcome::kFailure && !reply.reason.empty(), "409/422 is a failure with a reason");
  } else {
    Check(reply.outcome == Reply::Outcome::kTransient, "any other status is transient");
  }
  return 0;
}
