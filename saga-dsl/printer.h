// Canonical printer (`sagactl fmt`): one layout for every definition, with
// defaults left out, so parse -> print -> parse gives the same definitions
// (ToJson-equal) and printing is idempotent.
#pragma once

#include <string>
#include <vector>

#include "saga-dsl/ast.h"
#include "saga-dsl/lexer.h"

namespace sagad::dsl {

// `comments` (from ParseResult) are put back before the clause they
// preceded, or after it when they ended its line. Without them the output
// has no comments.
std::string Print(const std::vector<Definition>& definitions, const std::vector<Comment>& comments = {});

}  // namespace sagad::dsl
