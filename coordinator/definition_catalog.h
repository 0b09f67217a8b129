// DefinitionCatalog: every compiled saga/tcc definition sagad has loaded, by
// (name, version), with its content hash.
//
// A (name, version) never changes once added: adding it again with the same
// meaning is a no-op, with a different meaning is refused. So a saga instance
// can hold on to its definition for life, and the aggregate's Decide stays
// pure. Thread-safe: the file watcher adds while shards look up.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "saga-dsl/ast.h"

namespace sagad::coordinator {

struct CatalogEntry {
  dsl::Definition definition;
  std::string hash;  // dsl::ContentHash(definition)
};

class DefinitionCatalog {
 public:
  // Conflict if (name, version) is already present with another meaning.
  Status Add(dsl::Definition definition);
  // Compiles `source` and adds every definition; InvalidArgument with the
  // formatted diagnostics when it does not compile (nothing is added then).
  Status AddSource(std::string_view source, const std::string& file_name);

  // nullptr when absent. Entries live as long as the catalog (or longer).
  std::shared_ptr<const CatalogEntry> Find(const std::string& name, int version) const;
  // The definition an instance started with: (name, version) whose content
  // hash is still `hash`; nullptr if it is not loaded (or loaded changed).
  std::shared_ptr<const CatalogEntry> FindPinned(const std::string& name, int version,
                                                 const std::string& hash) const;
  // The highest version of `name`; nullptr when absent.
  std::shared_ptr<const CatalogEntry> Latest(const std::string& name) const;
  // (name, version) pairs, sorted.
  std::vector<std::pair<std::string, int>> List() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const CatalogEntry>> entries_;
};

}  // namespace sagad::coordinator
