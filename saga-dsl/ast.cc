#include "saga-dsl/ast.h"

#include <array>
#include <utility>

namespace sagad::dsl {
namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 7> kFieldTypeNames{{
    {FieldType::kString, "string"},
    {FieldType::kInt, "int"},
    {FieldType::kNumber, "number"},
    {FieldType::kBool, "bool"},
    {FieldType::kObject, "object"},
    {FieldType::kArray, "array"},
    {FieldType::kAny, "any"},
}};

}  // namespace

const Step* Definition::FindStep(std::string_view step_name) const {
  for (const Step& step : steps) {
    if (step.name == step_name) return &step;
  }
  return nullptr;
}

std::string FormatDuration(std::int64_t ms) {
  constexpr std::pair<std::int64_t, std::string_view> kUnits[] = {{3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}};
  for (const auto& [unit_ms, unit] : kUnits) {
    if (ms != 0 && ms % unit_ms == 0) return std::to_string(ms / unit_ms) + std::string(unit);
  }
  return std::to_string(ms) + "ms";
}

std::string_view KindName(DefinitionKind kind) { return kind == DefinitionKind::kSaga ? "saga" : "tcc"; }

std::string_view FieldTypeName(FieldType type) {
  for (const auto& [value, name] : kFieldTypeNames) {
    if (value == type) return name;
  }
  return "any";
}

std::optional<FieldType> FieldTypeFromName(std::string_view name) {
  for (const auto& [value, type_name] : kFieldTypeNames) {
    if (type_name == name) return value;
  }
  return std::nullopt;
}

}  // namespace sagad::dsl
