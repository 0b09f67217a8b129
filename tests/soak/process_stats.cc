#include "tests/soak/process_stats.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sagad::soak {
namespace {

namespace fs = std::filesystem;

// "VmRSS:	  123456 kB" -> bytes.
Result<std::int64_t> ReadRss(const fs::path& status_path) {
  std::ifstream in(status_path);
  if (!in) return Status::NotFound("cannot read " + status_path.string());
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    std::int64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return Status::NotFound("no VmRSS in " + status_path.string());
}

Result<int> CountFds(const fs::path& fd_dir) {
  std::error_code ec;
  int count = 0;
  for (fs::directory_iterator it(fd_dir, ec), end; !ec && it != end; it.increment(ec)) ++count;
  if (ec) return Status::NotFound("cannot list " + fd_dir.string() + ": " + ec.message());
  return count;
}

}  // namespace

Result<ProcessStats> ReadProcessStats(pid_t pid) {
  fs::path proc = fs::path("/proc") / std::to_string(pid);
  Result<std::int64_t> rss = ReadRss(proc / "status");
  if (!rss.ok()) return rss.status();
  Result<int> fds = CountFds(proc / "fd");
  if (!fds.ok()) return fds.status();
  return ProcessStats{.rss_bytes = *rss, .open_fds = *fds};
}

}  // namespace sagad::soak
