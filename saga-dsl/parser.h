// Parser: .saga source text -> definitions + diagnostics.
//
// Syntax only; semantic checks live in checker.h, and compile.h runs both.
// The parser reports every syntax error it can: after an error it skips to
// the next clause (clauses start lines) or the end of the block.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "saga-dsl/ast.h"
#include "saga-dsl/diagnostic.h"
#include "saga-dsl/lexer.h"

namespace sagad::dsl {

struct ParseResult {
  // The definitions that parsed without a syntax error, in file order, with
  // defaults filled in. A definition with a syntax error is left out, so a
  // consumer never sees a half-read one.
  std::vector<Definition> definitions;
  std::vector<Diagnostic> diagnostics;  // sorted by location
  std::vector<Comment> comments;        // for the printer (sagactl fmt)

  // No diagnostic is an error (warnings are fine).
  bool ok() const { return !HasErrors(diagnostics); }
};

// `file_name` is only used in diagnostics and Definition::file.
ParseResult Parse(std::string_view source, std::string file_name);

}  // namespace sagad::dsl
