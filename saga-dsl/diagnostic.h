// Diagnostics: what went wrong in a .saga file, and where.
//
// Nothing in saga-dsl throws across its boundary. Every problem the lexer,
// parser or checker finds becomes a Diagnostic; callers decide what to do
// (sagactl prints them, the coordinator refuses to load the file).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sagad::dsl {

// 1-based line and column (columns count bytes). {0, 0} means "unknown".
struct SourceLocation {
  int line = 0;
  int column = 0;

  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  std::string file;
  SourceLocation location;
  Severity severity = Severity::kError;
  std::string message;
  // How many bytes of the source line the caret line underlines (>= 1).
  int length = 1;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);
int CountSeverity(const std::vector<Diagnostic>& diagnostics, Severity severity);

// Sorts by position (line, then column) keeping the order of equal ones, so
// lexer, parser and checker findings read top to bottom.
void SortByLocation(std::vector<Diagnostic>& diagnostics);

// gcc style, one diagnostic per call:
//
//   place_order.saga:12:5: error: unknown step 'reserve' in 'after'
//     step charge after reserve {
//                       ^~~~~~~
//
// `source` is the whole text of the file the diagnostic points into. The
// source and caret lines are left out when the location is unknown; very long
// lines are shown as a window around the column.
std::string FormatDiagnostic(const Diagnostic& diagnostic, std::string_view source);

// All of them, in order, each followed by its source and caret lines.
std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics, std::string_view source);

// Collects diagnostics for one file. After kMaxErrorsPerFile errors it adds a
// final "too many errors" note and full() turns true, so the lexer and parser
// can stop early on garbage input instead of producing millions of lines.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  void Error(SourceLocation location, std::string message, int length = 1);
  void Warning(SourceLocation location, std::string message, int length = 1);

  bool full() const { return full_; }
  int error_count() const { return errors_; }
  const std::string& file() const { return file_; }
  std::vector<Diagnostic> Take() { return std::move(diagnostics_); }

 private:
  void Add(Severity severity, SourceLocation location, std::string message, int length);

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
  int errors_ = 0;
  bool full_ = false;
};

}  // namespace sagad::dsl
