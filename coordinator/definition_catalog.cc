#include "coordinator/definition_catalog.h"

#include <mutex>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"

namespace sagad::coordinator {

Status DefinitionCatalog::Add(dsl::Definition definition) {
  auto entry = std::make_shared<CatalogEntry>();
  entry->hash = dsl::ContentHash(definition);
  entry->definition = std::move(definition);
  std::pair<std::string, int> key{entry->definition.name, entry->definition.version};
  std::unique_lock lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second->hash == entry->hash) return Status::Ok();
    return Status::Conflict("definition " + key.first + " version " + std::to_string(key.second) +
                            " is already loaded with another meaning (hash " + it->second->hash + ", new " +
                            entry->hash + "); raise its version");
  }
  entries_.emplace(std::move(key), std::move(entry));
  return Status::Ok();
}

Status DefinitionCatalog::AddSource(std::string_view source, const std::string& file_name) {
  dsl::CompileResult result = dsl::Compile(source, file_name);
  if (!result.ok()) {
    return Status::InvalidArgument(file_name + " does not compile:\n" +
                                   dsl::FormatDiagnostics(result.diagnostics, source));
  }
  for (dsl::Definition& d : result.definitions) SAGAD_RETURN_IF_ERROR(Add(std::move(d)));
  return Status::Ok();
}

std::shared_ptr<const CatalogEntry> DefinitionCatalog::FindPinned(const std::string& name, int version,
                                                                  const std::string& hash) const {
  std::shared_ptr<const CatalogEntry> entry = Find(name, version);
  return entry && entry->hash == hash ? entry : nullptr;
}

std::shared_ptr<const CatalogEntry> DefinitionCatalog::Find(const std::string& name, int version) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find({name, version});
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<const CatalogEntry> DefinitionCatalog::Latest(const std::string& name) const {
  std::shared_lock lock(mu_);
  std::shared_ptr<const CatalogEntry> best;
  for (auto it = entries_.lower_bound({name, 0}); it != entries_.end() && it->first.first == name; ++it) {
    best = it->second;
  }
  return best;
}

std::vector<std::pair<std::string, int>> DefinitionCatalog::List() const {
  std::shared_lock lock(mu_);
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [key, _] : entries_) out.push_back(key);
  return out;
}

}  // namespace sagad::coordinator
