#include "participants/sdk/payload.h"

namespace sagad::participants {
namespace {

const Json* Field(const Command& command, const char* field) {
  if (!command.payload.is_object()) return nullptr;
  auto it = command.payload.find(field);
  return it == command.payload.end() ? nullptr : &*it;
}

Status Invalid(const Command& command, const char* field, const std::string& what) {
  return Status::InvalidArgument(command.type + " needs '" + field + "': " + what);
}

Result<std::int64_t> IntInRange(const Command& command, const char* field, std::int64_t min,
                                const std::string& what) {
  const Json* value = Field(command, field);
  std::optional<std::int64_t> n = value ? UnitsIn(*value, min) : std::nullopt;
  if (!n) return Invalid(command, field, what);
  return *n;
}

}  // namespace

Result<std::string> RequiredString(const Command& command, const char* field) {
  const Json* value = Field(command, field);
  if (!value || !value->is_string() || value->get_ref<const std::string&>().empty()) {
    return Invalid(command, field, "a non-empty string");
  }
  return value->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const Command& command, const char* field) {
  const Json* value = Field(command, field);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return Invalid(command, field, "a string, or no such field");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::int64_t> PositiveInt(const Command& command, const char* field) {
  return IntInRange(command, field, 1, "an integer from 1 to 1e15");
}

Result<std::int64_t> NonNegativeInt(const Command& command, const char* field) {
  return IntInRange(command, field, 0, "an integer from 0 to 1e15");
}

std::optional<std::int64_t> UnitsIn(const Json& value, std::int64_t min) {
  if (!value.is_number_integer()) return std::nullopt;
  // An unsigned beyond int64 would wrap around in get<std::int64_t>().
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxUnits)) {
    return std::nullopt;
  }
  std::int64_t n = value.get<std::int64_t>();
  if (n < min || n > kMaxUnits) return std::nullopt;
  return n;
}

std::int64_t EventInt(const Json& payload, const char* field, std::int64_t fallback) {
  if (!payload.is_object()) return fallback;
  auto it = payload.find(field);
  return it != payload.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string EventString(const Json& payload, const char* field) {
  if (!payload.is_object()) return {};
  auto it = payload.find(field);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace sagad::participants
