// Reading command payloads safely. Payloads come from outside (a .saga
// file's expressions, an HTTP body), so every field is checked for presence
// and type: a bad payload is an InvalidArgument naming the command and the
// field, never an exception from nlohmann::json.
//
//   Result<std::int64_t> qty = PositiveInt(command, "qty");
//   if (!qty.ok()) return qty.status();
//
// Events, on the other hand, were written by our own Decide; appliers read
// them with EventInt / EventString, which fall back instead of throwing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad::participants {

// Quantities and amounts above this are refused: far beyond any real stock
// or balance, and low enough that sums of them cannot overflow int64.
inline constexpr std::int64_t kMaxUnits = 1'000'000'000'000'000;  // 1e15

// A non-empty string field.
Result<std::string> RequiredString(const Command& command, const char* field);
// A string field that may be absent (nullopt); present but not a string is
// InvalidArgument.
Result<std::optional<std::string>> OptionalString(const Command& command, const char* field);
// An integer field in 1..kMaxUnits.
Result<std::int64_t> PositiveInt(const Command& command, const char* field);
// An integer field in 0..kMaxUnits.
Result<std::int64_t> NonNegativeInt(const Command& command, const char* field);

// `value` as an integer in min..kMaxUnits; nullopt for anything else (a
// string, a fraction, an unsigned beyond int64, ...).
std::optional<std::int64_t> UnitsIn(const Json& value, std::int64_t min);

// Fields of an event this code wrote: `fallback` / "" when absent or of
// another type.
std::int64_t EventInt(const Json& payload, const char* field, std::int64_t fallback = 0);
std::string EventString(const Json& payload, const char* field);

}  // namespace sagad::participants
