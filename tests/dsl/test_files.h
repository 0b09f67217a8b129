// Files shared by the DSL tests: where the golden files are, reading them,
// and comparing output with an expected file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sagad::dsl::testing {

// tests/dsl in the source tree, and the sample's sagas.
std::filesystem::path TestDir();
std::filesystem::path SampleSagasDir();

// Sorted names (not paths) of the *.saga files in TestDir()/subdir.
std::vector<std::string> SagaFileNames(const std::string& subdir);

std::string ReadFile(const std::filesystem::path& path);

// EXPECTs `actual` to equal the content of `expected_file`. With
// SAGAD_UPDATE_GOLDEN=1 in the environment it rewrites the file instead (and
// the test still fails, so an update is never silent); review the diff.
void ExpectMatchesGolden(const std::filesystem::path& expected_file, const std::string& actual);

}  // namespace sagad::dsl::testing
