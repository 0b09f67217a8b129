// DefinitionArchive: every definition sagad ever ran, kept in the event
// store, so an instance can finish on its version after the file was
// changed or removed, and a changed file cannot reuse a version number even
// across restarts.
//
// Each (name, version) is one stream {"SagaDefinition", "<name>@<version>"}
// holding one DefinitionStored event {name, version, hash, file, source};
// the source is the canonical print of that one definition.
#pragma once

#include <string>

#include "coordinator/definition_catalog.h"
#include "core/store/event_store.h"

namespace sagad::coordinator {

inline constexpr char kDefinitionStreamType[] = "SagaDefinition";
inline constexpr char kDefinitionStored[] = "DefinitionStored";

// The refusal for a file that changed a definition without raising its
// version: the running one (`running_hash`) stays active.
Status VersionNotBumped(const dsl::Definition& changed, const std::string& running_hash);

class DefinitionArchive {
 public:
  explicit DefinitionArchive(EventStore* store) : store_(store) {}

  // Adds every archived definition to `catalog`. A stored definition that
  // no longer compiles to its hash (a DSL change) is skipped with an error
  // log: instances pinned to it report their definition as missing.
  Result<std::size_t> LoadInto(DefinitionCatalog& catalog);

  // Archives one definition. Idempotent for the same content; Conflict when
  // (name, version) was archived with other content.
  Status Archive(const dsl::Definition& definition, const std::string& hash);

 private:
  EventStore* store_;
};

}  // namespace sagad::coordinator
