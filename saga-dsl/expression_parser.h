// Parses one expression ($.path, literal, object, array). Internal to
// saga-dsl; the grammar is in docs/dsl.md.
#pragma once

#include <optional>

#include "saga-dsl/expression.h"
#include "saga-dsl/token_cursor.h"

namespace sagad::dsl {

// nullopt after reporting a syntax error. Nesting deeper than
// kMaxNestingDepth is reported and skipped without recursing further.
std::optional<Expr> ParseExpression(TokenCursor& cursor);

}  // namespace sagad::dsl
