// Finding and reading .saga files for the offline commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sagactl {

struct SagaFiles {
  std::vector<std::string> paths;
  std::string error;  // non-empty: a path is missing or unreadable
};

// Each argument is a file (taken as is, whatever its extension) or a
// directory (every *.saga below it, recursively, sorted by path).
SagaFiles CollectSagaFiles(const std::vector<std::string>& arguments);

// The whole file, or nullopt with `error` set.
std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error);

// Replaces the file's content; false with `error` set on failure.
bool WriteWholeFile(const std::string& path, const std::string& content, std::string* error);

}  // namespace sagactl
