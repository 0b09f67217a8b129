// One run of the sample driver against a running sagad: wait until it is
// ready, seed, read the baseline, place orders and start transfers, wait
// until every instance is terminal, check the invariants, print the summary.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "samples/order-inventory-payment/driver/summary.h"

namespace sagad::sample::driver {

struct DriverOptions {
  std::string server = "http://127.0.0.1:8080";
  // The inventory participant's base URL when sagad reaches it over HTTP
  // (--participant inventory=URL): stock is then read from it, not from
  // sagad's events. Empty: the inventory is in-process.
  std::string inventory_url;
  std::size_t orders = 2000;
  std::size_t transfers = 200;
  int concurrency = 32;
  std::string seed_path;
  std::string run_id;    // empty: one from the clock
  bool json = false;     // the summary as JSON on stdout (progress on stderr)
  int ready_timeout_s = 30;
  int timeout_s = 300;   // for every instance to finish, after the last one was started
  // How long one request is sent again while sagad cannot be reached (refused,
  // reset, timed out) or answers 503, as a client does across a restart.
  int retry_for_s = 30;

  // For a harness that runs the driver in-process (tests/crash):
  // `on_started` is called from the worker threads each time sagad has
  // acknowledged a start (an order placed, whose saga starts from its event,
  // or a transfer started), with the instance's id; `on_summary` once with
  // the summary, before it is printed.
  std::function<void(const std::string& instance_id)> on_started;
  std::function<void(const Summary& summary)> on_summary;
};

// Exit statuses, as the README and run-sample.sh document them.
enum ExitCode : int {
  kAllHold = 0,           // every invariant holds
  kInvariantFailed = 1,   // the run finished and an invariant does not hold
  kCouldNotRun = 2,       // sagad unreachable, refused the seed, or instances still running at the timeout
};

ExitCode RunDriver(const DriverOptions& options);

// "r20250612-143002-123": local time to the millisecond, so repeated runs on
// one database use new order ids.
std::string ClockRunId();

}  // namespace sagad::sample::driver
