// Compile = parse + check: the one call most users need.
//
//   CompileResult result = Compile(text, "sagas/place_order.saga");
//   if (!result.ok()) { print FormatDiagnostics(result.diagnostics, text); }
//   for (const Definition& d : result.definitions) registry.Add(d);
#pragma once

#include <string>
#include <string_view>

#include "saga-dsl/parser.h"

namespace sagad::dsl {

// Same shape as a parse result; ok() is true when neither the parser nor the
// checker found an error (warnings may be present). Only load definitions
// from a result that is ok().
using CompileResult = ParseResult;

CompileResult Compile(std::string_view source, std::string file_name);

}  // namespace sagad::dsl
