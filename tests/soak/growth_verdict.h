// Whether a soak run held steady: sagad's memory, open files and start
// latency in the last quarter of the run against the second quarter. The
// first quarter is warm-up (caches, SQLite's page cache, the allocator's
// arenas and the HTTP connections all fill up then) and is not judged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/soak/latency_recorder.h"

namespace sagad::soak {

// One sample, about a second apart: sagad as seen from outside at the end of
// the window, and the starts answered during it.
struct Window {
  double end_s = 0;  // since the load began
  std::int64_t rss_bytes = 0;
  int open_fds = 0;
  std::uint64_t accepted_total = 0;  // starts accepted since the load began
  WindowAnswers answers;
};

struct GrowthLimits {
  // Memory may grow by this much per start accepted between the two
  // quarters, and by `rss_floor_bytes` whatever the count (noise). Between
  // what sagad keeps by design for every start it ever ran, about 1.6 KB
  // (the SQLite store's in-memory directory of streams and command ids, and
  // the sample participants' per-order records in their few hot aggregates),
  // and what keeping each finished saga would cost, 7 KB and more (README.md).
  std::int64_t rss_bytes_per_start = 4096;
  std::int64_t rss_floor_bytes = 32 << 20;
  // Open descriptors may grow by this many (a connection being replaced).
  int fd_growth = 5;
  // The last quarter's p99 may be this many times the second's, and any
  // p99 under `p99_floor_ms` passes (a few milliseconds jitter by 2x).
  double p99_ratio = 2.0;
  double p99_floor_ms = 20;
};

struct QuarterFigures {
  double from_s = 0, to_s = 0;
  std::int64_t rss_bytes = 0;        // median of the quarter's samples
  int open_fds = 0;                  // median
  std::uint64_t accepted_total = 0;  // mean: the count at the quarter's middle
  // Medians of the windows' p50 and p99: the quarter's typical second, so
  // that one stall (on a machine shared with builds, a second without CPU
  // holds up hundreds of starts) is not taken for a drift, while a p99 that
  // rises and stays is.
  double p50_ms = 0, p99_ms = 0;
  double worst_p99_ms = 0;  // the quarter's worst second, for the report
};

struct Verdict {
  QuarterFigures second, last;
  double rss_bytes_per_start = 0;  // growth from the second quarter to the last, per start between them
  std::size_t errors = 0;          // failed starts in the whole run
  std::vector<std::string> failures;
  bool ok() const { return failures.empty(); }
};

// Needs at least 8 windows (two per quarter).
Verdict Judge(const std::vector<Window>& windows, const GrowthLimits& limits);

// The `fraction` percentile of `latencies_us`, in milliseconds (0 if empty).
double PercentileMs(std::vector<std::uint32_t> latencies_us, double fraction);

}  // namespace sagad::soak
