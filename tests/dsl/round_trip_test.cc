// parse -> print -> parse keeps the meaning (ToJson-equal) of every valid
// file and sample, and printing is idempotent (comments included).
#include <gtest/gtest.h>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"
#include "saga-dsl/printer.h"
#include "tests/dsl/test_files.h"

namespace sagad::dsl {
namespace {

std::vector<std::filesystem::path> AllValidFiles() {
  std::vector<std::filesystem::path> paths;
  for (const std::string& name : testing::SagaFileNames("valid")) paths.push_back(testing::TestDir() / "valid" / name);
  paths.push_back(testing::SampleSagasDir() / "place_order.saga");
  paths.push_back(testing::SampleSagasDir() / "transfer.saga");
  return paths;
}

TEST(DslRoundTrip, PrintThenParseGivesTheSameDefinitions) {
  for (const std::filesystem::path& path : AllValidFiles()) {
    SCOPED_TRACE(path.string());
    CompileResult original = Compile(testing::ReadFile(path), path.string());
    ASSERT_TRUE(original.ok());
    std::string printed = Print(original.definitions, original.comments);
    CompileResult reparsed = Compile(printed, "printed.saga");
    ASSERT_TRUE(reparsed.ok()) << FormatDiagnostics(reparsed.diagnostics, printed);
    ASSERT_EQ(reparsed.definitions.size(), original.definitions.size());
    for (std::size_t i = 0; i < original.definitions.size(); ++i) {
      EXPECT_EQ(ToJson(original.definitions[i]), ToJson(reparsed.definitions[i]));
      EXPECT_EQ(ContentHash(original.definitions[i]), ContentHash(reparsed.definitions[i]));
    }
    EXPECT_EQ(reparsed.comments.size(), original.comments.size());
    EXPECT_EQ(Print(reparsed.definitions, reparsed.comments), printed) << "printing is not idempotent";
  }
}

}  // namespace
}  // namespace sagad::dsl
