#include "saga-dsl/ast_json.h"

#include <cstdint>
#include <cstdio>

namespace sagad::dsl {
namespace {

using nlohmann::json;

json ToJson(const QualifiedName& name) { return name.ToString(); }

json ToJson(const std::vector<QualifiedName>& names) {
  json out = json::array();
  for (const QualifiedName& name : names) out.push_back(ToJson(name));
  return out;
}

json ToJson(const CommandSpec& command) {
  return {{"participant", command.participant()},
          {"command_type", command.command_type()},
          {"target", ToJson(command.target)},
          {"payload", ToJson(command.payload)}};
}

json ToJson(const std::optional<CommandSpec>& command) { return command ? ToJson(*command) : json(nullptr); }

json ToJson(const RetryPolicy& retry) {
  return {{"max_attempts", retry.max_attempts},
          {"backoff_min_ms", retry.backoff_min_ms},
          {"backoff_max_ms", retry.backoff_max_ms}};
}

json ToJson(const Step& step) {
  json out = {{"name", step.name},
              {"after", step.after},
              {"after_is_explicit", step.after_is_explicit},
              {"send", ToJson(step.send)},
              {"success", ToJson(step.success)},
              {"failure", ToJson(step.failure)},
              {"capture", step.capture},
              {"compensate", ToJson(step.compensate)},
              {"timeout_ms", step.timeout_ms},
              {"retry", ToJson(step.retry)},
              {"compensation_retry", ToJson(step.compensation_retry)}};
  // Only when it is not the default: stored definitions are pinned by their
  // content hash, and those without `resolve retry` (or with it at its
  // default) must keep the JSON and the hash they had before it existed.
  if (step.resolve_retry != step.DefaultResolveRetry()) out["resolve_retry"] = ToJson(step.resolve_retry);
  return out;
}

json ToJson(const TccBranch& branch) {
  return {{"name", branch.name},
          {"try", ToJson(branch.try_command)},
          {"confirm", ToJson(branch.confirm)},
          {"cancel", ToJson(branch.cancel)}};
}

std::uint64_t Fnv1a64(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

json ToJson(const Expr& expr) {
  switch (expr.kind) {
    case Expr::Kind::kLiteral:
      return {{"literal", expr.literal}};
    case Expr::Kind::kPath:
      return {{"path", expr.path}};
    case Expr::Kind::kObject: {
      // An array of pairs, not a JSON object: field order is meaningful.
      json fields = json::array();
      for (const ExprField& field : expr.fields) fields.push_back({field.key, ToJson(field.value)});
      return {{"object", fields}};
    }
    case Expr::Kind::kArray: {
      json elements = json::array();
      for (const Expr& element : expr.elements) elements.push_back(ToJson(element));
      return {{"array", elements}};
    }
  }
  return nullptr;
}

json ToJson(const Definition& definition) {
  json out = {{"kind", KindName(definition.kind)},
              {"name", definition.name},
              {"version", definition.version},
              {"start_event", definition.start_event ? ToJson(*definition.start_event) : json(nullptr)},
              {"key", definition.key ? ToJson(*definition.key) : json(nullptr)},
              {"on_completed", ToJson(definition.on_completed)},
              {"on_compensated", ToJson(definition.on_compensated)}};
  json input = nullptr;
  if (definition.input) {
    input = json::array();
    for (const InputField& field : *definition.input) input.push_back({field.name, FieldTypeName(field.type)});
  }
  out["input"] = input;
  if (definition.kind == DefinitionKind::kSaga) {
    json steps = json::array();
    for (const Step& step : definition.steps) steps.push_back(ToJson(step));
    out["steps"] = steps;
  } else {
    json branches = json::array();
    for (const TccBranch& branch : definition.branches) branches.push_back(ToJson(branch));
    out["branches"] = branches;
    out["timeout_ms"] = definition.tcc_timeout_ms;
    out["try_retry"] = ToJson(definition.tcc_try_retry);
    out["phase_retry"] = ToJson(definition.tcc_phase_retry);
  }
  return out;
}

std::string ContentHash(const Definition& definition) {
  // Strings in a parsed definition are valid UTF-8 (the lexer refuses
  // anything else), but replace rather than throw all the same.
  std::string text = ToJson(definition).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(text)));
  return hex;
}

}  // namespace sagad::dsl
