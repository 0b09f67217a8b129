#include "coordinator/definition_archive.h"

#include <spdlog/spdlog.h>

#include "coordinator/outgoing_command.h"
#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"
#include "saga-dsl/printer.h"

namespace sagad::coordinator {
namespace {

StreamId StreamOf(const std::string& name, int version) {
  return StreamId{kDefinitionStreamType, name + "@" + std::to_string(version)};
}

}  // namespace

Status VersionNotBumped(const dsl::Definition& d, const std::string& running_hash) {
  return Status::Conflict(d.file + ": " + d.name + " version " + std::to_string(d.version) +
                          " differs from the version " + std::to_string(d.version) +
                          " sagad already runs (content hash " + running_hash +
                          "); the running one stays active. Raise `version` to use the change.");
}

Result<std::size_t> DefinitionArchive::LoadInto(DefinitionCatalog& catalog) {
  Result<std::vector<std::string>> ids = store_->ListStreams(kDefinitionStreamType);
  if (!ids.ok()) return ids.status().WithContext("listing archived definitions");
  std::size_t loaded = 0;
  for (const std::string& id : *ids) {
    Result<std::vector<Event>> events = store_->ReadStream({kDefinitionStreamType, id}, 1, 1);
    if (!events.ok()) return events.status().WithContext("reading archived definition " + id);
    if (events->empty()) continue;
    const Json& stored = events->front().payload;
    std::string source = StringField(stored, "source");
    std::string hash = StringField(stored, "hash");
    dsl::CompileResult compiled = dsl::Compile(source, StringField(stored, "file"));
    if (!compiled.ok() || compiled.definitions.size() != 1 || dsl::ContentHash(compiled.definitions[0]) != hash) {
      spdlog::error("archived definition {} no longer compiles to its content hash {}; instances pinned to it "
                    "wait until it is loaded again",
                    id, hash);
      continue;
    }
    Status added = catalog.Add(std::move(compiled.definitions[0]));
    if (!added.ok()) return added.WithContext("archived definition " + id);
    loaded++;
  }
  return loaded;
}

Status DefinitionArchive::Archive(const dsl::Definition& definition, const std::string& hash) {
  AppendRequest r;
  r.stream = StreamOf(definition.name, definition.version);
  r.expected_version = 0;
  r.command_id = "archive/" + hash;
  r.events.push_back(EventData{kDefinitionStored, Json{{"name", definition.name},
                                                       {"version", definition.version},
                                                       {"hash", hash},
                                                       {"file", definition.file},
                                                       {"source", dsl::Print({definition})}}});
  Result<std::vector<AppendResult>> result = store_->Append({r});
  if (!result.ok()) return result.status().WithContext("archiving " + definition.name);
  switch (result->front().outcome) {
    case AppendOutcome::kAppended:
    case AppendOutcome::kDuplicate:
      return Status::Ok();
    default: {
      Result<std::vector<Event>> stored = store_->ReadStream(r.stream, 1, 1);
      if (!stored.ok()) return stored.status();
      std::string stored_hash = stored->empty() ? "?" : StringField(stored->front().payload, "hash");
      if (stored_hash == hash) return Status::Ok();
      return VersionNotBumped(definition, stored_hash);
    }
  }
}

}  // namespace sagad::coordinator
