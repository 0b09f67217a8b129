// The meaning of a definition as JSON: every resolved value (defaults
// included, except a step's resolve_retry, left out at its default so that
// definitions written before it existed keep their hash), no source
// locations, no formatting. Two definitions mean the same thing exactly when
// their JSON is equal, which makes this the basis of round-trip tests, the
// content hash and the HTTP API's "show definition".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "saga-dsl/ast.h"

namespace sagad::dsl {

nlohmann::json ToJson(const Definition& definition);
nlohmann::json ToJson(const Expr& expr);

// 16 hex digits: FNV-1a 64 of ToJson(definition).dump(). Changes when the
// meaning changes (a default included, but not kDefaultResolveRetries: see
// ToJson), not when comments or layout do, so the registry can tell
// definition versions apart.
std::string ContentHash(const Definition& definition);

}  // namespace sagad::dsl
