// Loading and watching a definitions directory: what an operator sees when
// files are added, broken, changed without a version bump, or bumped, and
// that definitions survive a restart through the store.
#include "coordinator/definition_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <fstream>

#include "core/store/memory/memory_event_store.h"
#include "saga-dsl/ast_json.h"

namespace sagad::coordinator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Saga(const std::string& name, int version, const std::string& command = "Reserve") {
  return "saga " + name + " {\n  version " + std::to_string(version) + "\n  step one {\n    send inventory." +
         command + " to $.id { }\n    success inventory.Done\n  }\n}\n";
}

class DefinitionDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sagad-defs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& file, const std::string& text) { std::ofstream(dir_ / file) << text; }

  std::filesystem::path dir_;
  MemoryEventStore store_;
  DefinitionArchive archive_{&store_};
  DefinitionCatalog catalog_;
};

TEST_F(DefinitionDirectoryTest, LoadsEveryFileAndReportsABrokenOneWithItsPositionWithoutLosingTheOthers) {
  Write("a.saga", Saga("Alpha", 1));
  Write("b.saga", "saga Broken {\n  step one {\n    send nowhere\n  }\n}\n");
  Write("c.saga", Saga("Gamma", 3));
  Write("notes.txt", "not a definition");
  DefinitionDirectory dir(dir_, &catalog_, &archive_);
  ScanReport report = dir.Scan();
  EXPECT_EQ(report.files, 3u);
  EXPECT_EQ(report.loaded.size(), 2u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0], HasSubstr("b.saga:4:3: error: expected '.' after participant"));
  EXPECT_NE(catalog_.Find("Alpha", 1), nullptr);
  EXPECT_NE(catalog_.Find("Gamma", 3), nullptr);
}

TEST_F(DefinitionDirectoryTest, ChangingADefinitionWithoutRaisingItsVersionIsRefusedAndTheRunningOneStays) {
  Write("a.saga", Saga("Alpha", 1));
  DefinitionDirectory dir(dir_, &catalog_, &archive_);
  ASSERT_THAT(dir.Scan().errors, IsEmpty());
  std::string running = catalog_.Find("Alpha", 1)->hash;

  Write("a.saga", Saga("Alpha", 1, "Other"));
  ScanReport report = dir.Scan();
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0], HasSubstr("Alpha version 1"));
  EXPECT_THAT(report.errors[0], HasSubstr("Raise `version`"));
  EXPECT_EQ(catalog_.Find("Alpha", 1)->hash, running);
}

TEST_F(DefinitionDirectoryTest, ARaisedVersionBecomesTheLatestAndTheOldOneStaysForRunningInstances) {
  Write("a.saga", Saga("Alpha", 1));
  DefinitionDirectory dir(dir_, &catalog_, &archive_);
  dir.Scan();
  Write("a.saga", Saga("Alpha", 2, "Other"));
  ScanReport report = dir.Scan();
  EXPECT_THAT(report.errors, IsEmpty());
  EXPECT_THAT(report.loaded, ElementsAre(HasSubstr("Alpha v2")));
  EXPECT_EQ(catalog_.Latest("Alpha")->definition.version, 2);
  EXPECT_NE(catalog_.Find("Alpha", 1), nullptr);
}

TEST_F(DefinitionDirectoryTest, AnUnchangedFileIsNotReloaded) {
  Write("a.saga", Saga("Alpha", 1));
  DefinitionDirectory dir(dir_, &catalog_, &archive_);
  EXPECT_EQ(dir.Scan().loaded.size(), 1u);
  ScanReport again = dir.Scan();
  EXPECT_THAT(again.loaded, IsEmpty());
  EXPECT_THAT(again.errors, IsEmpty());
}

TEST_F(DefinitionDirectoryTest, ArchivedDefinitionsOutliveTheirFileAndKeepTheirVersionAcrossRestarts) {
  Write("a.saga", Saga("Alpha", 1));
  {
    DefinitionDirectory dir(dir_, &catalog_, &archive_);
    dir.Scan();
  }
  std::string hash = catalog_.Find("Alpha", 1)->hash;
  std::filesystem::remove(dir_ / "a.saga");

  DefinitionCatalog restarted;  // a new process, same store
  Result<std::size_t> loaded = archive_.LoadInto(restarted);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, 1u);
  EXPECT_NE(restarted.FindPinned("Alpha", 1, hash), nullptr) << "instances pinned to it can finish";

  Write("a.saga", Saga("Alpha", 1, "Other"));  // the file comes back changed, same version
  DefinitionDirectory dir(dir_, &restarted, &archive_);
  ScanReport report = dir.Scan();
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0], HasSubstr("Raise `version`"));
  EXPECT_EQ(restarted.Find("Alpha", 1)->hash, hash);
}

TEST_F(DefinitionDirectoryTest, TheArchiveRefusesTheSameVersionWithOtherContent) {
  DefinitionCatalog scratch;
  ASSERT_TRUE(scratch.AddSource(Saga("Alpha", 1), "a.saga").ok());
  ASSERT_TRUE(scratch.AddSource(Saga("Beta", 1, "Other"), "b.saga").ok());
  const CatalogEntry& alpha = *scratch.Find("Alpha", 1);
  EXPECT_TRUE(archive_.Archive(alpha.definition, alpha.hash).ok());
  EXPECT_TRUE(archive_.Archive(alpha.definition, alpha.hash).ok()) << "idempotent";
  dsl::Definition changed = scratch.Find("Beta", 1)->definition;
  changed.name = "Alpha";
  Status refused = archive_.Archive(changed, dsl::ContentHash(changed));
  EXPECT_TRUE(refused.Is(StatusCode::kConflict)) << refused.ToString();
}

TEST_F(DefinitionDirectoryTest, AMissingDirectoryIsAClearError) {
  DefinitionDirectory dir(dir_ / "nope", &catalog_, &archive_);
  Status s = dir.Check();
  EXPECT_TRUE(s.Is(StatusCode::kNotFound));
  EXPECT_THAT(s.message(), HasSubstr("nope"));
}

}  // namespace
}  // namespace sagad::coordinator
