// What the driver prints at the end: a table of instances by definition and
// outcome (with latencies), each invariant OK or FAILED (with the first
// problems), throughput, and the API URLs to look at next. Also as one JSON
// document for scripts (--json).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "core/json.h"
#include "samples/order-inventory-payment/driver/instances.h"
#include "samples/order-inventory-payment/driver/invariants.h"

namespace sagad::sample::driver {

struct Summary {
  std::string server;  // "http://127.0.0.1:8080"
  std::string run_id;
  std::vector<Instance> instances;
  std::vector<Check> checks;
  std::vector<std::string> notes;  // anything the reader should know (e.g. stock used up by earlier runs)
  std::string inventory_stock;     // one SKU at the HTTP inventory participant; "" when it is in-process
  bool ok() const;
};

void PrintSummary(std::FILE* out, const Summary& summary);
Json SummaryJson(const Summary& summary);

// For a run that timed out: how many instances are in which status, and the
// first few still running with the step they are on.
void PrintStillRunning(std::FILE* out, const std::string& server, const std::vector<Instance>& instances);

}  // namespace sagad::sample::driver
