// JSON in sagad is nlohmann::json. Parsing untrusted text goes through
// ParseJson, which never throws and bounds nesting depth.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/status.h"

namespace sagad {

using Json = nlohmann::json;

// Nesting deeper than this is refused: deep documents are a stack and CPU
// hazard and no payload of ours needs them.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text`; InvalidArgument with the byte offset on malformed input or
// nesting deeper than `max_depth`.
Result<Json> ParseJson(std::string_view text, int max_depth = kMaxJsonDepth);

// For JSON this process wrote itself (stored payloads): no depth callback,
// which roughly halves the cost. InvalidArgument if it is not JSON after all.
Result<Json> ParseStoredJson(std::string_view text);

// Compact serialisation; invalid UTF-8 is replaced rather than thrown.
std::string DumpJson(const Json& value);

}  // namespace sagad
