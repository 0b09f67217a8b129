// Tokens of the saga DSL. Keywords are not token kinds: they are identifiers
// the parser recognises by position, so `order`, `step` or `timeout` stay
// usable as participant, field and step names.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "saga-dsl/diagnostic.h"

namespace sagad::dsl {

enum class TokenKind {
  kEnd,
  kIdentifier,  // [A-Za-z_][A-Za-z0-9_]*
  kNumber,      // JSON number; value in Token::number
  kString,      // "..." with JSON escapes; decoded text in Token::text
  kDuration,    // number + ms|s|m|h; value in Token::duration_ms
  kDollar,      // $
  kDot,         // .
  kDotDot,      // ..
  kComma,
  kColon,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // Identifier name, decoded string, or the raw text of other tokens.
  std::string text;
  nlohmann::json number;           // kNumber: integer or floating point
  std::int64_t duration_ms = 0;    // kDuration (saturates; may be negative)
  SourceLocation location;
  int length = 1;                  // bytes in the source
  bool first_on_line = false;      // drives error recovery: clauses start lines

  bool Is(TokenKind k) const { return kind == k; }
  bool IsWord(std::string_view word) const { return kind == TokenKind::kIdentifier && text == word; }
};

// 'word'. Built by appending: `"'" + std::string` trips a false -Wrestrict
// in g++ 12 at -O3.
std::string SingleQuoted(std::string_view word);

// "identifier 'foo'", "'{'", "end of file": for "expected X, found Y".
std::string DescribeToken(const Token& token);

}  // namespace sagad::dsl
