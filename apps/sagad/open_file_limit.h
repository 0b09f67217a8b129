// Every HTTP connection is an open file, so the connection cap only works if
// sagad may open that many: at the cap, a new connection evicts an idle one;
// out of file descriptors, accept() fails and new clients just wait.
#pragma once

#include <cstddef>

namespace sagad::app {

// Files kept for everything but the HTTP API's connections: the store (a
// SQLite database, its WAL and shared memory), logs, the definitions, the
// participants' HTTP connection pools (64 each by default).
inline constexpr std::size_t kFilesKeptForTheRest = 256;

// Raises this process's soft RLIMIT_NOFILE to its hard limit (systemd and
// most shells start programs at 1024, which a cap of 1024 cannot fit in);
// returns the soft limit now, 0 for none. Children inherit it.
std::size_t RaiseOpenFileLimit();

// RaiseOpenFileLimit(), then the connection cap that fits: `wanted`, or the
// limit less kFilesKeptForTheRest (at least 1) when that is smaller, with a
// warning.
std::size_t FitConnectionCapToOpenFiles(std::size_t wanted);

}  // namespace sagad::app
