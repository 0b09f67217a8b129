#include "saga-dsl/expression_parser.h"

#include <set>

#include "saga-dsl/defaults.h"

namespace sagad::dsl {
namespace {

constexpr std::string_view kValueExpected =
    "a value ($.path, string, number, true, false, null, { ... } or [ ... ])";

std::optional<Expr> ParseAt(TokenCursor& cursor, int depth);

Expr Literal(nlohmann::json value, SourceLocation location) {
  Expr expr;
  expr.kind = Expr::Kind::kLiteral;
  expr.literal = std::move(value);
  expr.location = location;
  return expr;
}

std::optional<Expr> ParsePath(TokenCursor& cursor) {
  Expr expr;
  expr.kind = Expr::Kind::kPath;
  expr.location = cursor.Take().location;  // $
  while (cursor.At(TokenKind::kDot)) {
    cursor.Take();
    std::string segment;
    if (!cursor.ExpectIdentifier("a field name after '.' in a path", &segment)) return std::nullopt;
    expr.path.push_back(std::move(segment));
  }
  return expr;
}

std::optional<Expr> ParseObject(TokenCursor& cursor, int depth) {
  Expr expr = Expr::EmptyObject();
  expr.location = cursor.Take().location;  // {
  std::set<std::string> keys;
  bool ok = true;
  while (!cursor.At(TokenKind::kRightBrace)) {
    Token key = cursor.current();
    if (!key.Is(TokenKind::kIdentifier) && !key.Is(TokenKind::kString)) {
      cursor.ErrorExpected("a field name or '}'");
      return std::nullopt;
    }
    cursor.Take();
    if (!cursor.Expect(TokenKind::kColon, "':' after field name '" + key.text + "'")) return std::nullopt;
    std::optional<Expr> value = ParseAt(cursor, depth + 1);
    if (!value) return std::nullopt;
    if (!keys.insert(key.text).second) {
      cursor.sink().Error(key.location, "duplicate field '" + key.text + "' in object", key.length);
      ok = false;
    }
    expr.fields.push_back({key.text, std::move(*value), key.location});
    if (!cursor.At(TokenKind::kComma)) break;
    cursor.Take();
  }
  if (!cursor.Expect(TokenKind::kRightBrace, "',' or '}' in object")) return std::nullopt;
  if (!ok) return std::nullopt;
  return expr;
}

std::optional<Expr> ParseArray(TokenCursor& cursor, int depth) {
  Expr expr;
  expr.kind = Expr::Kind::kArray;
  expr.location = cursor.Take().location;  // [
  while (!cursor.At(TokenKind::kRightBracket)) {
    std::optional<Expr> element = ParseAt(cursor, depth + 1);
    if (!element) return std::nullopt;
    expr.elements.push_back(std::move(*element));
    if (!cursor.At(TokenKind::kComma)) break;
    cursor.Take();
  }
  if (!cursor.Expect(TokenKind::kRightBracket, "',' or ']' in array")) return std::nullopt;
  return expr;
}

std::optional<Expr> ParseAt(TokenCursor& cursor, int depth) {
  const Token& token = cursor.current();
  switch (token.kind) {
    case TokenKind::kDollar:
      return ParsePath(cursor);
    case TokenKind::kString: {
      Token string = cursor.Take();
      return Literal(string.text, string.location);
    }
    case TokenKind::kNumber: {
      Token number = cursor.Take();
      return Literal(number.number, number.location);
    }
    case TokenKind::kIdentifier:
      if (token.text == "true" || token.text == "false" || token.text == "null") {
        Token word = cursor.Take();
        nlohmann::json value = word.text == "null" ? nlohmann::json(nullptr) : nlohmann::json(word.text == "true");
        return Literal(std::move(value), word.location);
      }
      break;
    case TokenKind::kDuration:
      cursor.ErrorHere("a duration is not a value here; write a number (of milliseconds, say)");
      return std::nullopt;
    case TokenKind::kLeftBrace:
    case TokenKind::kLeftBracket:
      if (depth >= kMaxNestingDepth) {
        cursor.ErrorHere("value nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
        cursor.SkipBalanced();
        return std::nullopt;
      }
      return token.kind == TokenKind::kLeftBrace ? ParseObject(cursor, depth) : ParseArray(cursor, depth);
    default:
      break;
  }
  cursor.ErrorExpected(kValueExpected);
  return std::nullopt;
}

}  // namespace

std::optional<Expr> ParseExpression(TokenCursor& cursor) { return ParseAt(cursor, 0); }

}  // namespace sagad::dsl
