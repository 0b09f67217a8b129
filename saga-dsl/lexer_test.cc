#include "saga-dsl/lexer.h"

#include "saga-dsl/defaults.h"

#include <gtest/gtest.h>

namespace sagad::dsl {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::vector<Diagnostic> diagnostics;
  std::vector<Comment> comments;
};

Lexed LexAll(std::string_view source) {
  DiagnosticSink sink("t.saga");
  Lexer lexer(source, &sink);
  Lexed out;
  for (Token t = lexer.Next(); !t.Is(TokenKind::kEnd); t = lexer.Next()) out.tokens.push_back(t);
  out.diagnostics = sink.Take();
  out.comments = lexer.TakeComments();
  return out;
}

TEST(DslLexer, SplitsAClauseIntoTokensWithLocations) {
  Lexed lexed = LexAll("  retry 5 backoff 100ms..2s\nkey $.order_id");
  ASSERT_TRUE(lexed.diagnostics.empty());
  ASSERT_EQ(lexed.tokens.size(), 10u);
  EXPECT_TRUE(lexed.tokens[0].IsWord("retry"));
  EXPECT_EQ(lexed.tokens[0].location, (SourceLocation{1, 3}));
  EXPECT_TRUE(lexed.tokens[0].first_on_line);
  EXPECT_FALSE(lexed.tokens[1].first_on_line);
  EXPECT_EQ(lexed.tokens[1].number, 5);
  EXPECT_EQ(lexed.tokens[3].kind, TokenKind::kDuration);
  EXPECT_EQ(lexed.tokens[3].duration_ms, 100);
  EXPECT_EQ(lexed.tokens[4].kind, TokenKind::kDotDot);
  EXPECT_EQ(lexed.tokens[5].duration_ms, 2000);
  EXPECT_TRUE(lexed.tokens[6].first_on_line);
  EXPECT_EQ(lexed.tokens[7].kind, TokenKind::kDollar);
  EXPECT_EQ(lexed.tokens[8].kind, TokenKind::kDot);
  EXPECT_EQ(lexed.tokens[9].location, (SourceLocation{2, 7}));
}

TEST(DslLexer, ReadsNumbersAndDurationUnits) {
  Lexed lexed = LexAll("-3 1.5 2e3 1.5s 2m 1h -5s 99999999999999999999");
  ASSERT_TRUE(lexed.diagnostics.empty());
  EXPECT_EQ(lexed.tokens[0].number, -3);
  EXPECT_TRUE(lexed.tokens[0].number.is_number_integer());
  EXPECT_DOUBLE_EQ(lexed.tokens[1].number.get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(lexed.tokens[2].number.get<double>(), 2000);
  EXPECT_EQ(lexed.tokens[3].duration_ms, 1500);
  EXPECT_EQ(lexed.tokens[4].duration_ms, 120'000);
  EXPECT_EQ(lexed.tokens[5].duration_ms, 3'600'000);
  EXPECT_EQ(lexed.tokens[6].duration_ms, -5000);
  EXPECT_TRUE(lexed.tokens[7].number.is_number_float());
}

TEST(DslLexer, RejectsUnknownDurationUnit) {
  Lexed lexed = LexAll("timeout 5sec");
  ASSERT_EQ(lexed.diagnostics.size(), 1u);
  EXPECT_EQ(lexed.diagnostics[0].message, "unknown duration unit 'sec' (use ms, s, m or h)");
  EXPECT_EQ(lexed.diagnostics[0].location, (SourceLocation{1, 10}));
}

TEST(DslLexer, DecodesStringEscapes) {
  Lexed lexed = LexAll(R"("a\"b\\c\n\u00e9\ud83d\ude00")");
  ASSERT_TRUE(lexed.diagnostics.empty());
  EXPECT_EQ(lexed.tokens[0].text, "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(DslLexer, ReportsUnterminatedStringAndContinuesOnNextLine) {
  Lexed lexed = LexAll("x \"abc\ny");
  ASSERT_EQ(lexed.diagnostics.size(), 1u);
  EXPECT_EQ(lexed.diagnostics[0].location, (SourceLocation{1, 3}));
  EXPECT_NE(lexed.diagnostics[0].message.find("unterminated string"), std::string::npos);
  ASSERT_EQ(lexed.tokens.size(), 3u);
  EXPECT_TRUE(lexed.tokens[2].IsWord("y"));
}

TEST(DslLexer, RejectsInvalidUtf8AndBadEscapesInStrings) {
  Lexed lexed = LexAll("\"\xff\" \"\\q\" \"\\ud800\"");
  ASSERT_EQ(lexed.diagnostics.size(), 3u);
  EXPECT_NE(lexed.diagnostics[0].message.find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(lexed.diagnostics[1].message.find("unknown escape after backslash: 'q'"), std::string::npos);
  EXPECT_NE(lexed.diagnostics[2].message.find("unpaired surrogate"), std::string::npos);
}

TEST(DslLexer, ReportsARunOfBadBytesOnce) {
  Lexed lexed = LexAll("a @@@@\x01\x02 b");
  ASSERT_EQ(lexed.diagnostics.size(), 1u);
  EXPECT_EQ(lexed.diagnostics[0].message, "unexpected characters starting with '@'");
  EXPECT_EQ(lexed.tokens.size(), 2u);
}

TEST(DslLexer, KeepsCommentsAndWhetherTheyOwnTheirLine) {
  Lexed lexed = LexAll("# head\nstep a { # trailing\n}");
  ASSERT_EQ(lexed.comments.size(), 2u);
  EXPECT_EQ(lexed.comments[0].text, "# head");
  EXPECT_TRUE(lexed.comments[0].own_line);
  EXPECT_EQ(lexed.comments[1].text, "# trailing");
  EXPECT_FALSE(lexed.comments[1].own_line);
  EXPECT_EQ(lexed.tokens.size(), 4u);
}

TEST(DslLexer, StopsAfterTooManyErrors) {
  std::string junk;
  for (int i = 0; i < 1000; ++i) junk += "\"unterminated\n";
  Lexed lexed = LexAll(junk);
  EXPECT_EQ(lexed.diagnostics.size(), static_cast<std::size_t>(kMaxErrorsPerFile) + 1);
  EXPECT_NE(lexed.diagnostics.back().message.find("too many errors"), std::string::npos);
}

}  // namespace
}  // namespace sagad::dsl
