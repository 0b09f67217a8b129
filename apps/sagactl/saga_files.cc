#include "apps/sagactl/saga_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sagactl {

namespace fs = std::filesystem;

SagaFiles CollectSagaFiles(const std::vector<std::string>& arguments) {
  SagaFiles result;
  for (const std::string& argument : arguments) {
    std::error_code ec;
    fs::file_status status = fs::status(argument, ec);
    if (ec || !fs::exists(status)) {
      result.error = argument + ": no such file or directory";
      return result;
    }
    if (!fs::is_directory(status)) {
      result.paths.push_back(argument);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(argument, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".saga") found.push_back(it->path().string());
    }
    if (ec) {
      result.error = argument + ": " + ec.message();
      return result;
    }
    if (found.empty()) {
      result.error = argument + ": no .saga files in this directory";
      return result;
    }
    std::sort(found.begin(), found.end());
    result.paths.insert(result.paths.end(), found.begin(), found.end());
  }
  return result;
}

std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    *error = path + ": read failed";
    return std::nullopt;
  }
  return std::move(content).str();
}

bool WriteWholeFile(const std::string& path, const std::string& content, std::string* error) {
  // Write a sibling and rename it over the original, so a failed write never
  // leaves half a file behind.
  std::string temporary = path + ".sagactl-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      *error = temporary + ": write failed: " + std::strerror(errno);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    *error = path + ": " + ec.message();
    fs::remove(temporary, ec);
    return false;
  }
  return true;
}

}  // namespace sagactl
