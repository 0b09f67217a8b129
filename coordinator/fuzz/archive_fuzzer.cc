// libFuzzer target for what the definitions archive reads back from the
// store (definition_archive.h): the DefinitionStored events of the
// "SagaDefinition" streams, as a store that was damaged or written by
// another version would hand them back. The input is a JSON array of
// {"stream": "<name>@<version>", "payload": {name, version, hash, file,
// source}}; a hash of "$content" is replaced by the content hash of what
// the source compiles to, so the fuzzer reaches past the hash check too.
//
// LoadInto must load what is sound and skip or refuse the rest with a
// Status, never crash or throw. What it loads is in the catalog under its
// own hash, and archiving it again is idempotent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "coordinator/definition_archive.h"
#include "coordinator/outgoing_command.h"
#include "core/fuzz/check.h"
#include "core/store/memory/memory_event_store.h"
#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"

namespace {

using namespace sagad;               // NOLINT
using namespace sagad::coordinator;  // NOLINT
using sagad::fuzz::Check;

// The payload as stored, with "$content" replaced by the source's hash.
Json Stored(Json payload) {
  if (!payload.is_object() || StringField(payload, "hash") != "$content") return payload;
  dsl::CompileResult compiled = dsl::Compile(StringField(payload, "source"), "archived.saga");
  if (compiled.ok() && compiled.definitions.size() == 1) payload["hash"] = dsl::ContentHash(compiled.definitions[0]);
  return payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Result<Json> input = ParseStoredJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!input.ok() || !input->is_array()) return 0;
  MemoryEventStore store;
  for (const Json& entry : *input) {
    AppendRequest r;
    r.stream = {kDefinitionStreamType, StringField(entry, "stream")};
    r.command_id = "archive/fuzz";
    r.events.push_back(EventData{kDefinitionStored, Stored(entry.is_object() ? entry.value("payload", Json()) : Json())});
    (void)store.Append({r});
  }

  DefinitionCatalog catalog;
  Result<std::size_t> loaded = DefinitionArchive(&store).LoadInto(catalog);
  if (!loaded.ok()) return 0;
  Check(catalog.List().size() <= *loaded, "the catalog holds only what was loaded");
  for (const auto& [name, version] : catalog.List()) {
    std::shared_ptr<const CatalogEntry> entry = catalog.Find(name, version);
    Check(entry && entry->hash == dsl::ContentHash(entry->definition), "a loaded definition has its own hash");
    Check(catalog.FindPinned(name, version, entry->hash) == entry, "a loaded definition is found by its hash");
    Status again = DefinitionArchive(&store).Archive(entry->definition, entry->hash);
    Check(again.ok() || again.Is(StatusCode::kConflict), "archiving a loaded definition again is Ok or Conflict");
  }
  return 0;
}
