#include "saga-dsl/checker.h"

#include <gtest/gtest.h>

#include "saga-dsl/compile.h"

namespace sagad::dsl {
namespace {

std::vector<std::string> Messages(const std::string& source) {
  CompileResult result = Compile(source, "c.saga");
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    out.push_back(std::string(d.severity == Severity::kError ? "error " : "warning ") + d.message);
  }
  return out;
}

TEST(DslChecker, AcceptsParallelStepsThatJoin) {
  EXPECT_TRUE(Messages(R"(saga S {
  step a { send p.A to $.x success p.A1 capture id compensate p.UndoA to $.x }
  step b after a { send p.B to $.a.id success p.B1 compensate p.UndoB to $.x }
  step c after a { send p.C to $.a.id success p.C1 capture n compensate p.UndoC to $.x }
  step d after b, c { send p.D to $.c.n success p.D1 }
})").empty());
}

TEST(DslChecker, RefusesReferenceToAParallelSibling) {
  EXPECT_EQ(Messages(R"(saga S {
  step a { send p.A to $.x success p.A1 compensate p.UndoA to $.x }
  step b after a { send p.B to $.x success p.B1 capture id compensate p.UndoB to $.x }
  step c after a { send p.C to $.b.id success p.C1 compensate p.UndoC to $.x }
})"),
            std::vector<std::string>{"error '$.b.id' is not guaranteed to be set when step 'c' starts: step 'b' is "
                                     "not among its dependencies (add 'after b')"});
}

TEST(DslChecker, ReportsCycleOnceWithItsPath) {
  EXPECT_EQ(Messages(R"(saga S {
  step a after c { send p.A to $.x success p.A1 }
  step b { send p.B to $.x success p.B1 }
  step c { send p.C to $.x success p.C1 }
})"),
            std::vector<std::string>{"error dependency cycle: step 'a' after 'c' after 'b' after 'a'"});
}

TEST(DslChecker, WarnsAboutAnUncompensatedStepThatLaterStepsCanUndo) {
  EXPECT_EQ(Messages(R"(saga S {
  step a { send p.A to $.x success p.A1 }
  step b { send p.B to $.x success p.B1 }
})"),
            std::vector<std::string>{"warning step 'a' has no 'compensate' clause, but step 'b' can fail after it "
                                     "completed; its effect would not be undone"});
}

TEST(DslChecker, ChecksResolveRetryLikeRetry) {
  EXPECT_EQ(Messages(R"(saga S {
  step a { send p.A to $.x success p.A1 compensate p.UndoA to $.x resolve retry -1 backoff 5s..1s }
  step b { send p.B to $.x success p.B1 compensate p.UndoB to $.x resolve retry 1001 backoff 0ms..100h }
  step c { send p.C to $.x success p.C1 resolve retry 1000 backoff 1s..1s }
})"),
            (std::vector<std::string>{
                "error resolve retry count must be 0 or more, not -1",
                "error minimum backoff 5s is greater than maximum backoff 1s",
                "error resolve retry count 1001 is more than the limit of 1000",
                "error minimum backoff must be positive, not 0ms",
                "error maximum backoff 100h is longer than the limit of 24h",
            }));
}

TEST(DslChecker, ReportsABadStepBackoffOnceWhenResolveRetryTakesIt) {
  CompileResult result = Compile(R"(saga S {
  step a {
    send p.A to $.x
    success p.A1
    retry 2 backoff 5s..1s
    resolve retry 4
  }
})", "c.saga");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].message, "minimum backoff 5s is greater than maximum backoff 1s");
  EXPECT_EQ(result.diagnostics[0].location, (SourceLocation{5, 5}));
}

TEST(DslChecker, ReportsNamesDefinedInTwoFiles) {
  CompileResult one = Compile("saga S { step a { send p.A to $.x success p.B } }", "one.saga");
  CompileResult two = Compile("\nsaga S { step a { send p.A to $.x success p.B } }", "two.saga");
  ASSERT_TRUE(one.ok() && two.ok());
  std::vector<Diagnostic> diagnostics =
      CheckNamesAcrossFiles({&one.definitions[0], &two.definitions[0]});
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].file, "two.saga");
  EXPECT_EQ(diagnostics[0].message, "definition 'S' is also defined at one.saga:1:1");
}

}  // namespace
}  // namespace sagad::dsl
