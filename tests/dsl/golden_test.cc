// Golden tests: every file in valid/ and invalid/ compiles to exactly the
// diagnostics in its .expected file (empty for a clean file). Valid files
// may have warnings but no error; invalid files have at least one error.
#include <gtest/gtest.h>

#include "saga-dsl/compile.h"
#include "saga-dsl/graph.h"
#include "tests/dsl/test_files.h"

namespace sagad::dsl {
namespace {

using testing::ExpectMatchesGolden;
using testing::ReadFile;
using testing::SagaFileNames;
using testing::TestDir;

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - std::string(".saga").size());
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void CheckGolden(const std::string& subdir, const std::string& file, bool expect_ok) {
  std::filesystem::path path = TestDir() / subdir / file;
  std::string source = ReadFile(path);
  CompileResult result = Compile(source, subdir + "/" + file);
  EXPECT_EQ(result.ok(), expect_ok);
  std::filesystem::path expected = path;
  expected.replace_extension(".expected");
  ExpectMatchesGolden(expected, FormatDiagnostics(result.diagnostics, source));
}

class DslGoldenValid : public ::testing::TestWithParam<std::string> {};
TEST_P(DslGoldenValid, CompilesWithExpectedDiagnostics) { CheckGolden("valid", GetParam(), true); }
INSTANTIATE_TEST_SUITE_P(File, DslGoldenValid, ::testing::ValuesIn(SagaFileNames("valid")), TestName);

class DslGoldenInvalid : public ::testing::TestWithParam<std::string> {};
TEST_P(DslGoldenInvalid, FailsWithExpectedDiagnostics) { CheckGolden("invalid", GetParam(), false); }
INSTANTIATE_TEST_SUITE_P(File, DslGoldenInvalid, ::testing::ValuesIn(SagaFileNames("invalid")), TestName);

// The sample's definitions drawn both ways, compared with graphs/.
void CheckGraph(const std::string& saga_file, GraphFormat format, const std::string& golden) {
  std::string source = ReadFile(testing::SampleSagasDir() / saga_file);
  CompileResult result = Compile(source, saga_file);
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics, source);
  ASSERT_EQ(result.definitions.size(), 1u);
  ExpectMatchesGolden(TestDir() / "graphs" / golden, ExportGraph(result.definitions[0], format));
}

TEST(DslGraphGolden, PlaceOrderDot) { CheckGraph("place_order.saga", GraphFormat::kDot, "place_order.dot"); }
TEST(DslGraphGolden, PlaceOrderMermaid) { CheckGraph("place_order.saga", GraphFormat::kMermaid, "place_order.mmd"); }
TEST(DslGraphGolden, TransferDot) { CheckGraph("transfer.saga", GraphFormat::kDot, "transfer.dot"); }
TEST(DslGraphGolden, TransferMermaid) { CheckGraph("transfer.saga", GraphFormat::kMermaid, "transfer.mmd"); }
TEST(DslGraphGolden, ParallelJoinMermaid) {
  std::string source = ReadFile(TestDir() / "valid" / "parallel_join.saga");
  CompileResult result = Compile(source, "parallel_join.saga");
  ASSERT_TRUE(result.ok());
  ExpectMatchesGolden(TestDir() / "graphs" / "parallel_join.mmd", ToMermaid(result.definitions[0]));
}

}  // namespace
}  // namespace sagad::dsl
