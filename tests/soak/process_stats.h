// What the soak watches of sagad from outside: its resident memory and its
// open file descriptors, as the kernel reports them in /proc/<pid>.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "core/status.h"

namespace sagad::soak {

struct ProcessStats {
  std::int64_t rss_bytes = 0;  // VmRSS of /proc/<pid>/status
  int open_fds = 0;            // entries of /proc/<pid>/fd
};

// NotFound once the process is gone.
Result<ProcessStats> ReadProcessStats(pid_t pid);

}  // namespace sagad::soak
