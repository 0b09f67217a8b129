#include "apps/sagad/open_file_limit.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

namespace sagad::app {

std::size_t RaiseOpenFileLimit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return 0;
  if (files.rlim_cur < files.rlim_max) {
    rlimit raised = files;
    raised.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) files = raised;
  }
  return files.rlim_cur == RLIM_INFINITY ? 0 : static_cast<std::size_t>(files.rlim_cur);
}

std::size_t FitConnectionCapToOpenFiles(std::size_t wanted) {
  std::size_t limit = RaiseOpenFileLimit();
  if (limit == 0) return wanted;
  std::size_t fits = limit > kFilesKeptForTheRest + 1 ? limit - kFilesKeptForTheRest : 1;
  if (wanted <= fits) return wanted;
  spdlog::warn("http: {} connections do not fit in {} open files (ulimit -n) with {} kept for the rest; capping "
               "connections at {}",
               wanted, limit, kFilesKeptForTheRest, fits);
  return fits;
}

}  // namespace sagad::app
