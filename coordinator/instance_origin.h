// What every process-manager instance (saga or tcc) fixes when it starts:
// the definition it is pinned to and its key. Shared by both state types so
// they record, snapshot and resolve it the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "coordinator/definition_catalog.h"
#include "core/json.h"

namespace sagad::coordinator {

struct InstanceOrigin {
  std::string definition_name;
  int definition_version = 0;
  std::string definition_hash;
  std::string key;
  std::int64_t started_ms = 0;

  // From a SagaStarted / TccStarted payload.
  void ReadStarted(const Json& started);
  // Snapshot fields; ReadSnapshot throws Json exceptions on missing fields
  // (the callers turn them into Corruption).
  void WriteSnapshot(Json& snapshot) const;
  void ReadSnapshot(const Json& snapshot);
  // The pinned definition if this process has it loaded, unchanged.
  std::shared_ptr<const CatalogEntry> Resolve(const DefinitionCatalog* catalog) const;
};

}  // namespace sagad::coordinator
