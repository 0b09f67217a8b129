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
