// Lexer: turns .saga source into tokens on demand (a 10 MB file is never
// held as a token array). Lexical errors go to the sink and the lexer keeps
// going, so one bad character does not hide the rest of the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "saga-dsl/diagnostic.h"
#include "saga-dsl/token.h"

namespace sagad::dsl {

// A `# ...` comment, kept so `sagactl fmt` can put it back.
struct Comment {
  SourceLocation location;
  std::string text;       // from '#' to the end of the line
  bool own_line = false;  // nothing but whitespace before it on its line
};

class Lexer {
 public:
  Lexer(std::string_view source, DiagnosticSink* sink) : source_(source), sink_(sink) {}

  // The next token; kEnd at the end of input, and forever after (also once
  // the sink is full, so garbage input stops early).
  Token Next();

  std::vector<Comment> TakeComments() { return std::move(comments_); }

 private:
  char Peek(std::size_t ahead = 0) const;
  void Advance();
  SourceLocation Here() const { return {line_, column_}; }
  void SkipSpaceAndComments();
  Token Make(TokenKind kind, SourceLocation start, std::size_t start_pos);
  Token LexNumberOrDuration(SourceLocation start, std::size_t start_pos);
  Token LexString(SourceLocation start, std::size_t start_pos);
  bool LexEscape(std::string& out);
  void SkipInvalidBytes(SourceLocation start);

  std::string_view source_;
  DiagnosticSink* sink_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool token_seen_on_line_ = false;
  std::vector<Comment> comments_;
};

}  // namespace sagad::dsl
