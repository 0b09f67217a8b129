// Semantic checks: what parses but cannot run as written (unknown or cyclic
// dependencies, references to data that may not exist yet, bad durations,
// incomplete tcc branches...). docs/dsl.md lists every check.
#pragma once

#include <vector>

#include "saga-dsl/ast.h"
#include "saga-dsl/diagnostic.h"

namespace sagad::dsl {

// Checks the definitions of one file (including that their names are
// distinct). Returns errors and warnings, sorted by location.
std::vector<Diagnostic> Check(const std::vector<Definition>& definitions);

// Reports a definition name used in more than one of the given files (each
// file's definitions already checked by Check). For loading a directory.
std::vector<Diagnostic> CheckNamesAcrossFiles(const std::vector<const Definition*>& definitions);

}  // namespace sagad::dsl
