// One run of the crash suite: the order/inventory/payment sample under load
// through the REST API (the sample driver, in-process), the real sagad
// binary killed (SIGKILL) and paused (SIGSTOP/SIGCONT) at random moments and
// restarted on the same SQLite store, then every check of tests/README.md
// ("The crash suite") and one line:
//
//   crash: kills=K sagas=S events=E violations=V
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/crash/disruption_plan.h"

namespace sagad::crash {

struct CrashRunOptions {
  std::string sagad;        // the binary
  std::string definitions;  // the sample's .saga files
  std::string sample_seed;  // the sample's seed.json (stock and accounts)
  // Both set: the inventory is the Python example participant over HTTP,
  // which outlives sagad's crashes and loses `lose_replies` of its replies.
  std::string python;
  std::string inventory_participant;
  double lose_replies = 0.1;

  std::uint64_t seed = 0;  // the disruption plan, the run id and the participant's faults
  int kills = 10;
  int pauses = 0;
  MillisecondRange pause{10500, 12000};
  std::size_t orders = 300;
  std::size_t transfers = 30;
  int concurrency = 8;
  int timeout_s = 120;  // for every saga to end after the last start
  bool keep = false;    // keep the store and logs (their directory is printed)
};

// Exit status: 0 no violation, 1 violations (listed, with the sagas'
// histories), 2 the run could not be made (a binary missing, no port).
int RunCrashSuite(const CrashRunOptions& options);

}  // namespace sagad::crash
