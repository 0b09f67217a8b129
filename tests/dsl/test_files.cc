#include "tests/dsl/test_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sagad::dsl::testing {

std::filesystem::path TestDir() { return SAGAD_DSL_TEST_DIR; }
std::filesystem::path SampleSagasDir() { return SAGAD_SAMPLE_SAGAS_DIR; }

std::vector<std::string> SagaFileNames(const std::string& subdir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(TestDir() / subdir)) {
    if (entry.path().extension() == ".saga") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void ExpectMatchesGolden(const std::filesystem::path& expected_file, const std::string& actual) {
  const char* update = std::getenv("SAGAD_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(expected_file, std::ios::binary) << actual;
    ADD_FAILURE() << "rewrote " << expected_file << "; review it and run again without SAGAD_UPDATE_GOLDEN";
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(expected_file)) << expected_file << " is missing";
  EXPECT_EQ(ReadFile(expected_file), actual) << "output differs from " << expected_file;
}

}  // namespace sagad::dsl::testing
