#include "coordinator/start_request.h"

#include "coordinator/outgoing_command.h"
#include "saga-dsl/expression.h"

namespace sagad::coordinator {

Result<std::string> EvaluateKey(const dsl::Definition& definition, const Json& input) {
  if (!definition.key) return std::string();
  dsl::EvalResult k = dsl::Evaluate(*definition.key, input);
  if (!k.ok()) return Status::InvalidArgument("key of " + definition.name + ": " + k.error);
  return k.value.is_string() ? k.value.get<std::string>() : k.value.dump();
}

Result<StartRequest> ReadStartRequest(const Command& c, const DefinitionCatalog* catalog,
                                      dsl::DefinitionKind kind, const char* id_field) {
  const Json& p = c.payload;
  const std::string command = c.type;
  StartRequest r;
  std::string name = StringField(p, "definition");
  if (name.empty()) return Status::InvalidArgument(command + " needs 'definition'");
  r.instance_id = StringField(p, id_field);
  if (r.instance_id.empty()) r.instance_id = c.target.id;
  if (r.instance_id != c.target.id) {
    return Status::InvalidArgument(std::string(id_field) + " '" + r.instance_id + "' differs from the target id '" +
                                   c.target.id + "'");
  }
  bool versioned = p.contains("version");
  r.entry = versioned ? catalog->Find(name, static_cast<int>(IntField(p, "version"))) : catalog->Latest(name);
  if (!r.entry) return Status::NotFound("no definition " + name + (versioned ? " version " + p["version"].dump() : ""));
  if (r.entry->definition.kind != kind) {
    return Status::InvalidArgument(name + " is a " + std::string(dsl::KindName(r.entry->definition.kind)) +
                                   " definition; " + command + " cannot start it");
  }
  if (p.contains("input")) r.input = p["input"];
  if (!r.input.is_object()) return Status::InvalidArgument(command + " 'input' must be an object");
  Result<std::string> key = EvaluateKey(r.entry->definition, r.input);
  if (!key.ok()) return key.status();
  r.key = std::move(key).value();
  return r;
}

}  // namespace sagad::coordinator
