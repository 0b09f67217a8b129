// Stored definitions are pinned by their content hash, so a change to the
// language must leave the hash of every definition that does not use it
// alone. The hashes below were computed before `resolve retry` existed.
#include <gtest/gtest.h>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"
#include "tests/dsl/test_files.h"

namespace sagad::dsl {
namespace {

struct PinnedHash {
  const char* file;  // in valid/
  const char* definition;
  const char* hash;
};

constexpr const char* kShipOrderHash = "f050e84e5f9e45cc";  // valid/parallel_join.saga

const PinnedHash kPinned[] = {
    {"minimal.saga", "Ping", "c160847ef4865171"},
    {"parallel_join.saga", "ShipOrder", kShipOrderHash},
    {"several_definitions.saga", "Notify", "e24d1958099619dd"},
    {"several_definitions.saga", "Reserve", "dfe6636b28dbdfa2"},
    {"uncompensated_step_warning.saga", "Signup", "5f72b650a398f2b9"},
};

std::string ParallelJoin() { return testing::ReadFile(testing::TestDir() / "valid" / "parallel_join.saga"); }

// The hash of the one ShipOrder definition in `source`.
std::string ShipOrderHash(const std::string& source) {
  CompileResult result = Compile(source, "parallel_join.saga");
  EXPECT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics, source);
  return result.definitions.empty() ? "" : ContentHash(result.definitions[0]);
}

// `source` with `line` added after the first occurrence of `anchor`.
std::string WithLineAfter(std::string source, const std::string& anchor, const std::string& line) {
  std::size_t at = source.find(anchor);
  EXPECT_NE(at, std::string::npos) << anchor;
  return at == std::string::npos ? source : source.insert(at + anchor.size(), line);
}

TEST(DslContentHash, DefinitionsWrittenBeforeResolveRetryKeepTheirHash) {
  for (const PinnedHash& pinned : kPinned) {
    SCOPED_TRACE(pinned.file);
    CompileResult result = Compile(testing::ReadFile(testing::TestDir() / "valid" / pinned.file), pinned.file);
    ASSERT_TRUE(result.ok());
    const Definition* found = nullptr;
    for (const Definition& definition : result.definitions) {
      if (definition.name == pinned.definition) found = &definition;
    }
    ASSERT_NE(found, nullptr) << pinned.definition;
    EXPECT_EQ(ContentHash(*found), pinned.hash) << pinned.definition;
  }
}

TEST(DslContentHash, ResolveRetryAtItsDefaultKeepsTheHash) {
  // hand_over keeps the default backoff; book_courier has 1s..1m, which its
  // resolve retry takes when it gives none.
  EXPECT_EQ(ShipOrderHash(WithLineAfter(ParallelJoin(), "    retry 0\n", "    resolve retry 10\n")), kShipOrderHash);
  EXPECT_EQ(ShipOrderHash(WithLineAfter(ParallelJoin(), "retry 10 backoff 1s..1m\n", "    resolve retry 10\n")),
            kShipOrderHash);
  EXPECT_EQ(ShipOrderHash(WithLineAfter(ParallelJoin(), "retry 10 backoff 1s..1m\n",
                                        "    resolve retry 10 backoff 1s..1m\n")),
            kShipOrderHash);
}

TEST(DslContentHash, ANonDefaultResolveRetryChangesTheHash) {
  std::string count = ShipOrderHash(WithLineAfter(ParallelJoin(), "    retry 0\n", "    resolve retry 3\n"));
  std::string backoff = ShipOrderHash(
      WithLineAfter(ParallelJoin(), "retry 10 backoff 1s..1m\n", "    resolve retry 10 backoff 100ms..5s\n"));
  EXPECT_NE(count, kShipOrderHash);
  EXPECT_NE(backoff, kShipOrderHash);
  EXPECT_NE(count, backoff);
  EXPECT_EQ(count.size(), 16u);
}

}  // namespace
}  // namespace sagad::dsl
