#include "coordinator/instance_origin.h"

#include "coordinator/outgoing_command.h"

namespace sagad::coordinator {

void InstanceOrigin::ReadStarted(const Json& p) {
  definition_name = StringField(p, "definition");
  definition_version = static_cast<int>(IntField(p, "version"));
  definition_hash = StringField(p, "hash");
  key = StringField(p, "key");
  started_ms = IntField(p, "started_ms");
}

void InstanceOrigin::WriteSnapshot(Json& j) const {
  j["definition"] = definition_name;
  j["version"] = definition_version;
  j["hash"] = definition_hash;
  j["key"] = key;
  j["started_ms"] = started_ms;
}

void InstanceOrigin::ReadSnapshot(const Json& j) {
  definition_name = j.at("definition").get<std::string>();
  definition_version = IntegerOf<int>(j.at("version"));
  definition_hash = j.at("hash").get<std::string>();
  key = j.at("key").get<std::string>();
  started_ms = IntegerOf<std::int64_t>(j.at("started_ms"));
}

std::shared_ptr<const CatalogEntry> InstanceOrigin::Resolve(const DefinitionCatalog* catalog) const {
  return catalog ? catalog->FindPinned(definition_name, definition_version, definition_hash) : nullptr;
}

}  // namespace sagad::coordinator
