// The parser's view of the token stream: one current token, helpers that
// report "expected X, found Y", and the skipping used to recover after a
// syntax error. Internal to saga-dsl.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "saga-dsl/lexer.h"

namespace sagad::dsl {

class TokenCursor {
 public:
  TokenCursor(std::string_view source, DiagnosticSink* sink);

  const Token& current() const { return current_; }
  bool At(TokenKind kind) const { return current_.kind == kind; }
  bool AtWord(std::string_view word) const { return current_.IsWord(word); }
  // Tokens taken so far: lets a caller see whether a failed parse moved.
  std::size_t taken() const { return taken_; }

  Token Take();
  // Takes the current token if it is `kind`; otherwise reports
  // "expected <what>, found <current>" and returns false.
  bool Expect(TokenKind kind, std::string_view what, Token* out = nullptr);
  bool ExpectWord(std::string_view word, std::string_view context);
  bool ExpectIdentifier(std::string_view what, std::string* name, SourceLocation* location = nullptr);

  void ErrorHere(std::string message);
  void ErrorExpected(std::string_view what);
  DiagnosticSink& sink() { return *sink_; }

  // How many '{' and '[' taken are not yet closed.
  int depth() const { return depth_; }

  // Error recovery inside a block whose '{' left depth() at `block_depth`:
  // skips to the next token that satisfies `resume` (the start of a clause)
  // or to the block's own closing '}', closing whatever the failed clause
  // left open on the way, so its braces are not mistaken for the block's.
  void Recover(const std::function<bool(const Token&)>& resume, int block_depth);
  // Forgets unclosed braces: after skipping to a new definition, say.
  void ResetDepth(int depth) { depth_ = depth; }
  // Skips one balanced { } or [ ] group starting at the current token,
  // iteratively (nesting may be deep in hostile input).
  void SkipBalanced();

  std::vector<Comment> TakeComments() { return lexer_.TakeComments(); }

 private:
  Lexer lexer_;
  DiagnosticSink* sink_;
  Token current_;
  std::size_t taken_ = 0;
  int depth_ = 0;
};

}  // namespace sagad::dsl
