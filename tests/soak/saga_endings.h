// After the load: every saga the soak started, polled over
// GET /v1/sagas/{id} until it has ended, counted by how it ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/status.h"
#include "participants/http/http_url.h"
#include "tests/soak/soak_workload.h"

namespace sagad::soak {

struct EndingsOptions {
  participants::HttpUrl server;
  int connections = 16;
  std::uint64_t starts = 0;  // starts 0 .. starts-1 of the workload
  std::function<bool(std::uint64_t index)> was_accepted;
  std::chrono::seconds limit{120};  // for the sagas of each batch to end, once polled
};

// Ended sagas by status (COMPLETED, COMPENSATED, CONFIRMED, CANCELLED, and
// STUCK or ABORTED, which the caller judges); DeadlineExceeded if some were
// still running at the limit.
Result<std::map<std::string, std::uint64_t>> WaitEveryEnding(SoakWorkload& workload, const EndingsOptions& options);

}  // namespace sagad::soak
