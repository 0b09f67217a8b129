#include "saga-dsl/diagnostic.h"

#include <algorithm>

#include "saga-dsl/defaults.h"

namespace sagad::dsl {
namespace {

// Lines longer than this are shown as a window around the column, so a
// diagnostic in a minified or binary file stays readable.
constexpr std::size_t kMaxShownLine = 160;
constexpr std::size_t kContextBeforeColumn = 60;

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

// Finds the text of 1-based line `line`, without its newline.
std::string_view LineAt(std::string_view source, int line) {
  std::size_t start = 0;
  for (int current = 1; current < line; ++current) {
    std::size_t newline = source.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
  }
  std::size_t end = source.find('\n', start);
  if (end == std::string_view::npos) end = source.size();
  std::string_view text = source.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Appends the source line (control bytes shown as '?', so a terminal is never
// fed escapes from a hostile file) and the caret line under it.
void AppendSourceAndCaret(std::string& out, std::string_view line, const Diagnostic& d) {
  std::size_t caret = static_cast<std::size_t>(std::max(d.location.column, 1) - 1);
  caret = std::min(caret, line.size());
  std::string prefix;
  if (line.size() > kMaxShownLine) {
    std::size_t begin = caret > kContextBeforeColumn ? caret - kContextBeforeColumn : 0;
    line = line.substr(begin, kMaxShownLine);
    caret -= begin;
    if (begin > 0) prefix = "...";
  }
  std::string shown = prefix;
  std::string marks(prefix.size(), ' ');
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    bool control = static_cast<unsigned char>(c) < 0x20 && c != '\t';
    shown += control || c == 0x7f ? '?' : c;
    if (i < caret && !IsUtf8Continuation(c)) marks += c == '\t' ? '\t' : ' ';
  }
  marks += '^';
  std::size_t underline = static_cast<std::size_t>(std::max(d.length, 1)) - 1;
  underline = std::min(underline, line.size() > caret + 1 ? line.size() - caret - 1 : 0);
  marks.append(underline, '~');
  out += shown;
  out += '\n';
  out += marks;
  out += '\n';
}

std::string FormatWithLine(const Diagnostic& d, std::string_view line_text, bool has_line) {
  std::string out = d.file;
  if (d.location.line > 0) {
    out += ':' + std::to_string(d.location.line) + ':' + std::to_string(d.location.column);
  }
  out += ": ";
  out += SeverityName(d.severity);
  out += ": ";
  out += d.message;
  out += '\n';
  if (has_line) AppendSourceAndCaret(out, line_text, d);
  return out;
}

}  // namespace

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return CountSeverity(diagnostics, Severity::kError) > 0;
}

int CountSeverity(const std::vector<Diagnostic>& diagnostics, Severity severity) {
  return static_cast<int>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                        [&](const Diagnostic& d) { return d.severity == severity; }));
}

void SortByLocation(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
}

std::string FormatDiagnostic(const Diagnostic& diagnostic, std::string_view source) {
  bool has_line = diagnostic.location.line > 0;
  return FormatWithLine(diagnostic, has_line ? LineAt(source, diagnostic.location.line) : "", has_line);
}

std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics, std::string_view source) {
  // Index line starts once: a file can be large and have many diagnostics.
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') line_starts.push_back(i + 1);
  }
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    int line = d.location.line;
    bool has_line = line > 0 && static_cast<std::size_t>(line) <= line_starts.size();
    std::string_view text;
    if (has_line) {
      std::size_t start = line_starts[line - 1];
      text = LineAt(source.substr(start), 1);
    }
    out += FormatWithLine(d, text, line > 0);
  }
  return out;
}

void DiagnosticSink::Error(SourceLocation location, std::string message, int length) {
  Add(Severity::kError, location, std::move(message), length);
}

void DiagnosticSink::Warning(SourceLocation location, std::string message, int length) {
  Add(Severity::kWarning, location, std::move(message), length);
}

void DiagnosticSink::Add(Severity severity, SourceLocation location, std::string message, int length) {
  if (full_) return;
  if (severity == Severity::kError && errors_ == kMaxErrorsPerFile) {
    diagnostics_.push_back({file_, location, Severity::kError,
                            "too many errors (" + std::to_string(kMaxErrorsPerFile) + "); stopping here", 1});
    full_ = true;
    return;
  }
  if (severity == Severity::kError) ++errors_;
  diagnostics_.push_back({file_, location, severity, std::move(message), std::max(length, 1)});
}

}  // namespace sagad::dsl
