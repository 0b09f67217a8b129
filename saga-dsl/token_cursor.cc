#include "saga-dsl/token_cursor.h"

namespace sagad::dsl {

TokenCursor::TokenCursor(std::string_view source, DiagnosticSink* sink) : lexer_(source, sink), sink_(sink) {
  current_ = lexer_.Next();
}

Token TokenCursor::Take() {
  Token taken = std::move(current_);
  if (taken.Is(TokenKind::kLeftBrace) || taken.Is(TokenKind::kLeftBracket)) ++depth_;
  if (taken.Is(TokenKind::kRightBrace) || taken.Is(TokenKind::kRightBracket)) --depth_;
  current_ = lexer_.Next();
  ++taken_;
  return taken;
}

bool TokenCursor::Expect(TokenKind kind, std::string_view what, Token* out) {
  if (!At(kind)) {
    ErrorExpected(what);
    return false;
  }
  Token token = Take();
  if (out) *out = std::move(token);
  return true;
}

bool TokenCursor::ExpectWord(std::string_view word, std::string_view context) {
  if (!AtWord(word)) {
    ErrorExpected(SingleQuoted(word) + " " + std::string(context));
    return false;
  }
  Take();
  return true;
}

bool TokenCursor::ExpectIdentifier(std::string_view what, std::string* name, SourceLocation* location) {
  Token token;
  if (!Expect(TokenKind::kIdentifier, what, &token)) return false;
  *name = std::move(token.text);
  if (location) *location = token.location;
  return true;
}

void TokenCursor::ErrorHere(std::string message) {
  sink_->Error(current_.location, std::move(message), current_.length);
}

void TokenCursor::ErrorExpected(std::string_view what) {
  ErrorHere("expected " + std::string(what) + ", found " + DescribeToken(current_));
}

void TokenCursor::Recover(const std::function<bool(const Token&)>& resume, int block_depth) {
  while (!At(TokenKind::kEnd) && !resume(current_)) {
    if (At(TokenKind::kRightBrace) && depth_ <= block_depth) break;
    Take();
  }
  // A clause keyword while still nested means a '}' is missing; whatever is
  // open is abandoned.
  depth_ = block_depth;
}

void TokenCursor::SkipBalanced() {
  std::size_t depth = 0;
  do {
    if (At(TokenKind::kLeftBrace) || At(TokenKind::kLeftBracket)) ++depth;
    if (At(TokenKind::kRightBrace) || At(TokenKind::kRightBracket)) --depth;
    Take();
  } while (depth > 0 && !At(TokenKind::kEnd));
}

}  // namespace sagad::dsl
