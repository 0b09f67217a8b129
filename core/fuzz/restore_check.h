// What the snapshot fuzzers share: inputs of the form "<header line>\n<rest>",
// and restoring a stored snapshot text as the runtime's loader does, with
// the property every Restore promises (an unusable snapshot is Corruption).
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "core/aggregate.h"
#include "core/fuzz/check.h"
#include "core/json.h"

namespace sagad::fuzz {

// The first line and what follows it; nothing without a newline.
inline std::optional<std::pair<std::string_view, std::string_view>> HeaderAndRest(std::string_view input) {
  std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos) return std::nullopt;
  return std::pair{input.substr(0, line_end), input.substr(line_end + 1)};
}

// The state `behavior` restores from the stored snapshot `text`, or nullptr
// when the text is not stored JSON or the snapshot is refused (as Corruption).
inline std::unique_ptr<StateBox> RestoreStored(const AggregateBehavior& behavior, std::string_view text) {
  Result<Json> stored = ParseStoredJson(text);
  if (!stored.ok()) return nullptr;
  Result<std::unique_ptr<StateBox>> restored = behavior.Restore(*stored);
  if (!restored.ok()) {
    Check(restored.status().code() == StatusCode::kCorruption, "an unusable snapshot is Corruption");
    return nullptr;
  }
  return std::move(restored).value();
}

}  // namespace sagad::fuzz
