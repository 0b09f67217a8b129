// JSON in sagad is nlohmann::json. Parsing untrusted text goes through
// ParseJson, which never throws and bounds nesting depth.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

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

// The integer `value` holds, as T, for decoders of stored documents (their
// Json::exception is their Corruption). Throws Json::type_error when it holds
// no integer and Json::out_of_range when T cannot represent it: get<int>()
// would cast a floating-point value, undefined behaviour beyond int's range
// (found by the snapshot fuzzer: 1.4e68 read as a step's attempts).
template <typename T>
T IntegerOf(const Json& value) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (!value.is_number_integer()) {
    throw Json::type_error::create(302, std::string("type must be an integer, but is ") + value.type_name(), &value);
  }
  bool fits = value.is_number_unsigned() ? std::in_range<T>(value.get<std::uint64_t>())
                                         : std::in_range<T>(value.get<std::int64_t>());
  if (!fits) throw Json::out_of_range::create(406, "integer " + value.dump() + " is out of range", &value);
  return value.is_number_unsigned() ? static_cast<T>(value.get<std::uint64_t>())
                                    : static_cast<T>(value.get<std::int64_t>());
}

// IntegerOf<T>(object[key]), or `fallback` when the object has no `key`.
template <typename T>
T IntegerOr(const Json& object, const char* key, T fallback) {
  auto it = object.find(key);
  return it == object.end() ? fallback : IntegerOf<T>(*it);
}

// Compact serialisation; invalid UTF-8 is replaced rather than thrown.
std::string DumpJson(const Json& value);

}  // namespace sagad
