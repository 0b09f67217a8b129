#include "saga-dsl/parser.h"

#include <gtest/gtest.h>

namespace sagad::dsl {
namespace {

std::vector<std::string> Messages(const ParseResult& result) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    out.push_back(std::to_string(d.location.line) + ":" + std::to_string(d.location.column) + " " + d.message);
  }
  return out;
}

TEST(DslParser, FillsDefaultsAndResolvesDeclarationOrder) {
  ParseResult result = Parse(R"(
saga S {
  step a { send p.A to $.id success p.Aed }
  step b { send p.B to "fixed" { n: 1 } success p.Bed, p.Bok failure p.Bno capture x, y timeout 2m retry 0 }
  step c after a { send p.C to 7 success p.Ced }
}
)", "s.saga");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  ASSERT_EQ(result.definitions.size(), 1u);
  const Definition& d = result.definitions[0];
  EXPECT_EQ(d.version, kDefaultDefinitionVersion);
  EXPECT_FALSE(d.start_event.has_value());
  EXPECT_FALSE(d.key.has_value());
  ASSERT_EQ(d.steps.size(), 3u);
  const Step& a = d.steps[0];
  EXPECT_TRUE(a.after.empty());
  EXPECT_EQ(a.timeout_ms, kDefaultStepTimeoutMs);
  EXPECT_EQ(a.retry.retries(), kDefaultStepRetries);
  EXPECT_EQ(a.compensation_retry.retries(), kDefaultCompensationRetries);
  EXPECT_EQ(a.send.participant(), "p");
  EXPECT_EQ(a.send.command_type(), "A");
  EXPECT_EQ(a.send.payload.kind, Expr::Kind::kObject);
  const Step& b = d.steps[1];
  EXPECT_EQ(b.after, std::vector<std::string>{"a"});
  EXPECT_FALSE(b.after_is_explicit);
  EXPECT_EQ(b.success.size(), 2u);
  EXPECT_EQ(b.failure[0].ToString(), "p.Bno");
  EXPECT_EQ(b.capture, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.timeout_ms, 120'000);
  EXPECT_EQ(b.retry.max_attempts, 1);
  const Step& c = d.steps[2];
  EXPECT_EQ(c.after, std::vector<std::string>{"a"});
  EXPECT_TRUE(c.after_is_explicit);
  EXPECT_EQ(c.location, (SourceLocation{5, 8}));
}

TEST(DslParser, ReadsResolveRetryWithItsOwnOrTheStepsBackoff) {
  ParseResult result = Parse(R"(
saga S {
  step plain { send p.A to $.x success p.A1 retry 2 backoff 1s..1m }
  step inherits { send p.B to $.x success p.B1 resolve retry 5 retry 2 backoff 1s..1m }
  step own { send p.C to $.x success p.C1 retry 2 backoff 1s..1m resolve retry 0 backoff 200ms..3s }
}
)", "s.saga");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  const std::vector<Step>& steps = result.definitions[0].steps;
  ASSERT_EQ(steps.size(), 3u);
  // Absent: the default count with the step's backoff.
  EXPECT_EQ(steps[0].resolve_retry, (RetryPolicy{kDefaultResolveRetries + 1, 1'000, 60'000}));
  EXPECT_EQ(steps[0].resolve_location.line, 0);
  // Written before `retry`, it still takes the step's backoff.
  EXPECT_EQ(steps[1].resolve_retry, (RetryPolicy{6, 1'000, 60'000}));
  EXPECT_EQ(steps[1].resolve_location, (SourceLocation{4, 48}));
  EXPECT_EQ(steps[2].resolve_retry, (RetryPolicy{1, 200, 3'000}));
  EXPECT_EQ(steps[2].retry, (RetryPolicy{3, 1'000, 60'000}));
}

TEST(DslParser, ResolveMustBeFollowedByRetry) {
  ParseResult result = Parse("saga S {\n  step a {\n    send p.A to $.x\n    resolve 3\n    success p.A1\n  }\n}\n",
                             "s.saga");
  EXPECT_EQ(Messages(result), std::vector<std::string>{"4:13 expected 'retry' after 'resolve', found number 3"});
  EXPECT_TRUE(result.definitions.empty());
}

TEST(DslParser, RejectsResolveRetryWrittenTwice) {
  ParseResult result = Parse("saga S {\n  step a {\n    send p.A to $.x success p.A1\n    resolve retry 1\n"
                             "    resolve retry 2 backoff 1s..2s\n  }\n}\n",
                             "s.saga");
  EXPECT_EQ(Messages(result), std::vector<std::string>{"5:5 duplicate 'resolve' clause (first at line 4)"});
}

TEST(DslParser, ReadsTccDefinitions) {
  ParseResult result = Parse(R"(tcc T {
  start on api.Begin
  timeout 10s
  branch one {
    try p.Try to $.a
    confirm p.Confirm to $.a
    cancel p.Cancel to $.a
  }
})", "t.saga");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  const Definition& d = result.definitions[0];
  EXPECT_EQ(d.kind, DefinitionKind::kTcc);
  EXPECT_EQ(d.start_event->ToString(), "api.Begin");
  EXPECT_EQ(d.tcc_timeout_ms, 10'000);
  ASSERT_EQ(d.branches.size(), 1u);
  EXPECT_TRUE(d.branches[0].has_try && d.branches[0].has_confirm && d.branches[0].has_cancel);
  EXPECT_EQ(d.branches[0].cancel.command_type(), "Cancel");
}

TEST(DslParser, RecoversAndReportsEveryBrokenClause) {
  ParseResult result = Parse(R"(saga S {
  step a {
    send p to $.x
    success p.Done
    timeout soon
    retry 2 backoff 1s..
  }
  stepp b { }
}
saga Good { step a { send p.A to $.x success p.B } }
)", "s.saga");
  EXPECT_EQ(Messages(result), (std::vector<std::string>{
                                  "3:12 expected '.' after participant 'p' (write participant.Type), found 'to'",
                                  "5:13 expected a duration such as 500ms, 5s, 2m or 1h after 'timeout', found 'soon'",
                                  "7:3 expected a duration such as 500ms, 5s, 2m or 1h after 'backoff', found '}'",
                                  "8:3 expected 'version', 'start', 'key', 'input', 'timeout', 'step', 'branch' or "
                                  "'on' or '}', found 'stepp'",
                              }));
  // The broken definition is left out; the good one is kept.
  ASSERT_EQ(result.definitions.size(), 1u);
  EXPECT_EQ(result.definitions[0].name, "Good");
}

TEST(DslParser, ReportsAMissingClosingBraceAtTheNextDefinition) {
  ParseResult result = Parse("saga A {\n  step a { send p.A to $.x success p.B }\n\nsaga B { }\n", "s.saga");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(Messages(result)[0], "4:1 expected '}' to close saga 'A' (opened at line 1), found 'saga'");
  ASSERT_EQ(result.definitions.size(), 1u);
  EXPECT_EQ(result.definitions[0].name, "B");
}

TEST(DslParser, RejectsDuplicateClauses) {
  ParseResult result = Parse("saga A {\n  version 1\n  version 2\n}\n", "s.saga");
  EXPECT_EQ(Messages(result), std::vector<std::string>{"3:3 duplicate 'version' clause (first at line 2)"});
}

TEST(DslParser, ADefinitionCutShortByTheErrorLimitIsLeftOut) {
  // Found by the fuzzer: once the sink was full, later errors went uncounted
  // and a broken definition looked clean.
  std::string source = "saga Noise {\n";
  for (int i = 0; i < kMaxErrorsPerFile; ++i) source += "  version x\n";
  source += "}\nsaga Broken {\n  branch b { }\n}\n";  // its error is the one past the limit
  ParseResult result = Parse(source, "s.saga");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.definitions.empty());
}

TEST(DslParser, EmptyInputIsAnError) {
  ParseResult result = Parse("  # only a comment\n", "e.saga");
  EXPECT_EQ(Messages(result), std::vector<std::string>{
                                  "1:1 no definition in this file (expected 'saga NAME { ... }' or 'tcc NAME { ... }')"});
}

}  // namespace
}  // namespace sagad::dsl
