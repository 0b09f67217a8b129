#include "saga-dsl/compile.h"

#include "saga-dsl/checker.h"

namespace sagad::dsl {

CompileResult Compile(std::string_view source, std::string file_name) {
  CompileResult result = Parse(source, std::move(file_name));
  for (Diagnostic& d : Check(result.definitions)) result.diagnostics.push_back(std::move(d));
  SortByLocation(result.diagnostics);
  return result;
}

}  // namespace sagad::dsl
