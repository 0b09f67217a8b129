// libFuzzer target for the whole DSL front end. Beyond "no crash, no hang,
// no leak" (the sanitizers' job) it checks two properties on every input:
// printing what parsed and parsing it again gives the same definitions, and
// printing is idempotent. A violation aborts, so the fuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"
#include "saga-dsl/graph.h"
#include "saga-dsl/printer.h"

namespace dsl = sagad::dsl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  dsl::CompileResult result = dsl::Compile(source, "fuzz.saga");
  (void)dsl::FormatDiagnostics(result.diagnostics, source);
  if (result.definitions.empty()) return 0;

  std::string printed = dsl::Print(result.definitions, result.comments);
  dsl::ParseResult again = dsl::Parse(printed, "printed.saga");
  if (!again.ok() || again.definitions.size() != result.definitions.size()) __builtin_trap();
  for (std::size_t i = 0; i < result.definitions.size(); ++i) {
    if (dsl::ToJson(result.definitions[i]) != dsl::ToJson(again.definitions[i])) __builtin_trap();
  }
  if (dsl::Print(again.definitions, again.comments) != printed) __builtin_trap();

  if (!result.ok()) return 0;
  for (const dsl::Definition& definition : result.definitions) {
    (void)dsl::ToDot(definition);
    (void)dsl::ToMermaid(definition);
    (void)dsl::ContentHash(definition);
    if (definition.key) (void)dsl::Evaluate(*definition.key, nlohmann::json::object());
  }
  return 0;
}
