#include "saga-dsl/lexer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sagad::dsl {
namespace {

bool IsIdentifierStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool StartsToken(char c) {
  return IsIdentifierStart(c) || IsDigit(c) || IsSpace(c) || c == '-' || c == '"' || c == '#' ||
         c == '$' || c == '.' || c == ',' || c == ':' || c == '{' || c == '}' || c == '[' || c == ']';
}

// Length of the well-formed UTF-8 sequence starting at s[0], or 0.
std::size_t Utf8SequenceLength(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || s.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points past U+10FFFF.
  if (lead == 0xE0 && byte(1) < 0xA0) return 0;
  if (lead == 0xED && byte(1) > 0x9F) return 0;
  if (lead == 0xF0 && byte(1) < 0x90) return 0;
  if (lead == 0xF4 && byte(1) > 0x8F) return 0;
  return length;
}

void AppendUtf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::string ShowByte(char c) {
  if (c > 0x20 && c < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned char>(c));
  return buffer;
}

// Milliseconds per duration unit, or 0 for an unknown unit.
double UnitMs(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1'000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  return 0;
}

std::int64_t SaturatingMs(double ms) {
  // Truncate toward zero: "0.5ms" is zero, which the checker then rejects.
  constexpr double kLimit = 9.0e18;
  if (ms >= kLimit) return std::numeric_limits<std::int64_t>::max();
  if (ms <= -kLimit) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(ms);
}

}  // namespace

std::string SingleQuoted(std::string_view word) {
  std::string out;
  out.reserve(word.size() + 2);
  out += '\'';
  out += word;
  out += '\'';
  return out;
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "end of file";
    case TokenKind::kIdentifier: return SingleQuoted(token.text);
    case TokenKind::kNumber: return "number " + token.text;
    case TokenKind::kString: return "a string";
    case TokenKind::kDuration: return "duration " + token.text;
    default: return SingleQuoted(token.text);
  }
}

char Lexer::Peek(std::size_t ahead) const {
  return pos_ + ahead < source_.size() ? source_[pos_ + ahead] : '\0';
}

void Lexer::Advance() {
  if (source_[pos_] == '\n') {
    ++line_;
    column_ = 1;
    token_seen_on_line_ = false;
  } else {
    ++column_;
  }
  ++pos_;
}

void Lexer::SkipSpaceAndComments() {
  while (pos_ < source_.size()) {
    char c = Peek();
    if (IsSpace(c)) {
      Advance();
    } else if (c == '#') {
      Comment comment{Here(), "", !token_seen_on_line_};
      std::size_t start = pos_;
      while (pos_ < source_.size() && Peek() != '\n') Advance();
      comment.text = std::string(source_.substr(start, pos_ - start));
      while (!comment.text.empty() && (comment.text.back() == '\r' || comment.text.back() == ' ' ||
                                       comment.text.back() == '\t')) {
        comment.text.pop_back();
      }
      comments_.push_back(std::move(comment));
    } else {
      return;
    }
  }
}

Token Lexer::Make(TokenKind kind, SourceLocation start, std::size_t start_pos) {
  Token token;
  token.kind = kind;
  token.location = start;
  token.text = std::string(source_.substr(start_pos, pos_ - start_pos));
  token.length = static_cast<int>(std::min<std::size_t>(pos_ - start_pos, 1'000'000));
  return token;
}

Token Lexer::Next() {
  while (true) {
    SkipSpaceAndComments();
    if (pos_ >= source_.size() || sink_->full()) {
      Token end;
      end.location = Here();
      end.first_on_line = !token_seen_on_line_;
      return end;
    }
    bool first_on_line = !token_seen_on_line_;
    SourceLocation start = Here();
    std::size_t start_pos = pos_;
    char c = Peek();
    Token token;
    if (IsIdentifierStart(c)) {
      while (pos_ < source_.size() && IsIdentifierChar(Peek())) Advance();
      token = Make(TokenKind::kIdentifier, start, start_pos);
    } else if (IsDigit(c) || (c == '-' && IsDigit(Peek(1)))) {
      token = LexNumberOrDuration(start, start_pos);
    } else if (c == '"') {
      token = LexString(start, start_pos);
    } else {
      TokenKind kind = TokenKind::kEnd;
      switch (c) {
        case '$': kind = TokenKind::kDollar; break;
        case ',': kind = TokenKind::kComma; break;
        case ':': kind = TokenKind::kColon; break;
        case '{': kind = TokenKind::kLeftBrace; break;
        case '}': kind = TokenKind::kRightBrace; break;
        case '[': kind = TokenKind::kLeftBracket; break;
        case ']': kind = TokenKind::kRightBracket; break;
        case '.': kind = Peek(1) == '.' ? TokenKind::kDotDot : TokenKind::kDot; break;
        default: break;
      }
      if (kind == TokenKind::kEnd) {
        SkipInvalidBytes(start);
        continue;
      }
      Advance();
      if (kind == TokenKind::kDotDot) Advance();
      token = Make(kind, start, start_pos);
    }
    token.first_on_line = first_on_line;
    token_seen_on_line_ = true;
    return token;
  }
}

void Lexer::SkipInvalidBytes(SourceLocation start) {
  // One diagnostic for a whole run of bad bytes (binary junk would otherwise
  // produce one per byte).
  char first = Peek();
  std::size_t begin = pos_;
  Advance();
  while (pos_ < source_.size() && !StartsToken(Peek())) Advance();
  std::string message = "unexpected character " + ShowByte(first);
  if (pos_ - begin > 1) message = "unexpected characters starting with " + ShowByte(first);
  sink_->Error(start, message, static_cast<int>(std::min<std::size_t>(pos_ - begin, 1'000'000)));
}

Token Lexer::LexNumberOrDuration(SourceLocation start, std::size_t start_pos) {
  if (Peek() == '-') Advance();
  while (IsDigit(Peek())) Advance();
  bool integral = true;
  if (Peek() == '.' && IsDigit(Peek(1))) {
    integral = false;
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if ((Peek() == 'e' || Peek() == 'E') &&
      (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
    integral = false;
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    while (IsDigit(Peek())) Advance();
  }
  std::string_view digits = source_.substr(start_pos, pos_ - start_pos);
  std::size_t unit_pos = pos_;
  while (IsIdentifierChar(Peek())) Advance();
  std::string_view unit = source_.substr(unit_pos, pos_ - unit_pos);

  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || !std::isfinite(value)) {
    sink_->Error(start, "number " + std::string(digits) + " is out of range", static_cast<int>(digits.size()));
    value = 0;
  }
  Token token = Make(unit.empty() ? TokenKind::kNumber : TokenKind::kDuration, start, start_pos);
  if (!unit.empty()) {
    double per_unit = UnitMs(unit);
    if (per_unit == 0) {
      sink_->Error(SourceLocation{start.line, start.column + static_cast<int>(digits.size())},
                   "unknown duration unit '" + std::string(unit) + "' (use ms, s, m or h)",
                   static_cast<int>(unit.size()));
    }
    token.duration_ms = SaturatingMs(value * per_unit);
    return token;
  }
  std::int64_t integer = 0;
  if (integral && std::from_chars(digits.data(), digits.data() + digits.size(), integer).ec == std::errc()) {
    token.number = integer;
  } else {
    token.number = value;  // fractional, or an integer too large for int64
  }
  return token;
}

Token Lexer::LexString(SourceLocation start, std::size_t start_pos) {
  Advance();  // opening quote
  std::string text;
  bool closed = false;
  while (pos_ < source_.size() && Peek() != '\n') {
    char c = Peek();
    if (c == '"') {
      Advance();
      closed = true;
      break;
    }
    if (c == '\\') {
      if (!LexEscape(text)) continue;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      sink_->Error(Here(), "control character " + ShowByte(c) + " in string literal (use an escape such as \\t)");
      Advance();
    } else {
      std::size_t length = Utf8SequenceLength(source_.substr(pos_));
      if (length == 0) {
        sink_->Error(Here(), "string literal is not valid UTF-8 (byte " + ShowByte(c) + ")");
        Advance();
        continue;
      }
      text.append(source_.substr(pos_, length));
      for (std::size_t i = 0; i < length; ++i) Advance();
    }
  }
  if (!closed) sink_->Error(start, "unterminated string literal (a string must end on the line it starts)");
  Token token = Make(TokenKind::kString, start, start_pos);
  token.text = std::move(text);
  return token;
}

// Decodes one escape at pos_ (a backslash) into `out`; false (with a
// diagnostic) when it is not a valid escape.
bool Lexer::LexEscape(std::string& out) {
  SourceLocation at = Here();
  Advance();
  char c = Peek();
  if (pos_ >= source_.size() || c == '\n') {
    sink_->Error(at, "backslash at the end of a string literal");
    return false;
  }
  Advance();
  switch (c) {
    case '"': out += '"'; return true;
    case '\\': out += '\\'; return true;
    case '/': out += '/'; return true;
    case 'b': out += '\b'; return true;
    case 'f': out += '\f'; return true;
    case 'n': out += '\n'; return true;
    case 'r': out += '\r'; return true;
    case 't': out += '\t'; return true;
    case 'u': break;
    default:
      sink_->Error(at, "unknown escape after backslash: " + ShowByte(c) + " in string literal", 2);
      return false;
  }
  auto read_hex4 = [&](std::uint32_t& value) {
    value = 0;
    for (int i = 0; i < 4; ++i) {
      char h = Peek();
      int digit = IsDigit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
      if (digit < 0) return false;
      value = value * 16 + static_cast<std::uint32_t>(digit);
      Advance();
    }
    return true;
  };
  std::uint32_t code_point = 0;
  if (!read_hex4(code_point)) {
    sink_->Error(at, "\\u must be followed by four hex digits", 2);
    return false;
  }
  if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
    sink_->Error(at, "unpaired surrogate in \\u escape", 6);
    return false;
  }
  if (code_point >= 0xD800 && code_point <= 0xDBFF) {
    std::uint32_t low = 0;
    if (Peek() != '\\' || Peek(1) != 'u') {
      sink_->Error(at, "unpaired surrogate in \\u escape", 6);
      return false;
    }
    Advance();
    Advance();
    if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
      sink_->Error(at, "unpaired surrogate in \\u escape", 6);
      return false;
    }
    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
  }
  AppendUtf8(out, code_point);
  return true;
}

}  // namespace sagad::dsl
