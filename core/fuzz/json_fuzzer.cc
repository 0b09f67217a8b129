// libFuzzer target for core/json.h, the parser every payload, snapshot and
// request body goes through. Beyond "no crash, no hang, no leak, no throw":
//  * ParseJson and ParseStoredJson agree (the stored form only skips the
//    depth limit), and what one parses the other parses to the same value;
//  * DumpJson of a parsed value parses back to the same value;
//  * DumpJson of any bytes as a string (a participant's invalid UTF-8 that
//    the store writes back) is JSON that ParseJson accepts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/fuzz/check.h"
#include "core/json.h"

using sagad::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sagad::Result<sagad::Json> parsed = sagad::ParseJson(text);
  sagad::Result<sagad::Json> stored = sagad::ParseStoredJson(text);
  if (parsed.ok()) {
    Check(stored.ok() && *stored == *parsed, "ParseStoredJson accepts what ParseJson accepts, as the same value");
    sagad::Result<sagad::Json> again = sagad::ParseJson(sagad::DumpJson(*parsed));
    Check(again.ok() && *again == *parsed, "DumpJson of a parsed value parses back to it");
  } else {
    Check(parsed.status().code() == sagad::StatusCode::kInvalidArgument, "ParseJson refuses with InvalidArgument");
    if (stored.ok()) {
      Check(parsed.status().message().find("deeper") != std::string::npos,
            "only the depth limit tells the two parsers apart");
    }
  }
  if (stored.ok()) {
    sagad::Result<sagad::Json> again = sagad::ParseStoredJson(sagad::DumpJson(*stored));
    Check(again.ok() && *again == *stored, "DumpJson of a stored value parses back to it");
  }
  sagad::Result<sagad::Json> as_string = sagad::ParseJson(sagad::DumpJson(sagad::Json(std::string(text))));
  Check(as_string.ok() && as_string->is_string(), "DumpJson of any bytes as a string is valid JSON");
  return 0;
}
