// One soak run: the real sagad on a new SQLite store, seeded like the
// sample, fed sagas over HTTP at a fixed rate for a fixed time while its RSS,
// open descriptors and start latency are sampled once a second; then every
// saga must have ended, sagad must stop cleanly on SIGTERM, and the last
// quarter of the run must look like the second (growth_verdict.h). Prints
//
//   soak: seconds=S rate=R sagas=N rss_mb=A->B fds=C->D p99_ms=E->F verdict=ok
//
// (with --overload also shed=K admitted_per_s=X).
//
// where each A->B is the second quarter's figure, then the last quarter's
// (medians of its one-second samples; growth_verdict.h).
#pragma once

#include <string>
#include <vector>

#include "tests/soak/growth_verdict.h"

namespace sagad::soak {

struct SoakOptions {
  std::string sagad;        // the binary
  std::string definitions;  // the sample's .saga files
  std::string sample_seed;  // the sample's seed.json, scaled for the run
  int seconds = 120;
  double rate = 300;  // starts per second
  int connections = 16;
  int end_limit_s = 120;  // for the started sagas to end after the load
  bool verbose = false;   // the table of every window
  bool keep = false;      // keep the store and sagad's log
  // An offered rate sagad is not expected to keep up with: a 503 start is
  // load shed (counted and reported, not resent, no saga to wait for), not
  // a failure; the admitted starts are judged as usual.
  bool overload = false;
  std::vector<std::string> sagad_flags;  // more flags for sagad: {"--cache-per-shard", "2000"}
  GrowthLimits limits;
};

// 0 steady, 1 it was not (each reason printed), 2 the run could not be made.
int RunSoak(const SoakOptions& options);

}  // namespace sagad::soak
