// The saga and tcc instances of a run, polled over GET /v1/sagas/{id} until
// each is in a terminal state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "samples/order-inventory-payment/driver/worker_pool.h"

namespace sagad::sample::driver {

struct Instance {
  std::string id;          // "PlaceOrder:<order id>", "TransferMoney:<transfer id>"
  std::string definition;  // "PlaceOrder"
  std::string status;      // "" until the instance exists (an order's saga starts after OrderPlaced is published)
  std::string step;        // for one still running: the step or branch it is on
  std::string failed_at;   // for one compensated or cancelled: the failed step, or the tcc's reason up to ':'
  std::string reason;      // why: the saga's failure reason, the tcc's reason, or the stuck reason
  std::vector<std::string> done;    // steps that succeeded and stayed done; tcc: branches confirmed
  std::vector<std::string> undone;  // steps compensated; tcc: branches cancelled
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
};

// COMPLETED, COMPENSATED, STUCK, ABORTED (sagas); CONFIRMED, CANCELLED, STUCK (tcc).
bool IsTerminal(const std::string& status);

// Polls every instance not yet terminal until all are or `deadline` passes;
// `progress` counts the terminal ones. DeadlineExceeded (the instances keep
// their last status, for the report) when time ran out.
Status WaitTerminal(WorkerPool& pool, std::vector<Instance>& instances,
                    std::chrono::steady_clock::time_point deadline, Progress& progress);

}  // namespace sagad::sample::driver
