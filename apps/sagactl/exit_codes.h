// sagactl's exit codes, the same for every command, so scripts can tell
// "your input is wrong" from "you called me wrong".
#pragma once

namespace sagactl {

inline constexpr int kExitOk = 0;
// The command ran and found a problem: an invalid definition, a file not in
// canonical form (fmt --check), an operation sagad refused (HTTP 4xx).
inline constexpr int kExitFailure = 1;
// Bad usage or I/O: unknown flag, missing file, unreadable directory, sagad
// unreachable or failing (HTTP 5xx).
inline constexpr int kExitUsage = 2;

}  // namespace sagactl
