#include "tests/soak/saga_endings.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "samples/order-inventory-payment/driver/instances.h"
#include "samples/order-inventory-payment/driver/progress.h"
#include "samples/order-inventory-payment/driver/worker_pool.h"

namespace sagad::soak {
namespace {

namespace driver = sample::driver;

// Polled together: enough to keep the connections busy, few enough that a
// long run's millions of sagas are never in memory at once.
constexpr std::uint64_t kBatch = 20'000;

}  // namespace

Result<std::map<std::string, std::uint64_t>> WaitEveryEnding(SoakWorkload& workload, const EndingsOptions& options) {
  driver::WorkerPool pool(options.server, options.connections, std::chrono::seconds(30));
  driver::Progress progress(stderr, "checking that every saga ended", options.starts);
  std::map<std::string, std::uint64_t> endings;
  for (std::uint64_t first = 0; first < options.starts; first += kBatch) {
    std::vector<driver::Instance> batch;
    std::uint64_t end = std::min(first + kBatch, options.starts);
    for (std::uint64_t i = first; i < end; ++i) {
      if (options.was_accepted(i)) batch.push_back({.id = workload.At(i).saga_id});
    }
    progress.Advance(end - first - batch.size());  // refused starts have no saga to wait for
    SAGAD_RETURN_IF_ERROR(
        driver::WaitTerminal(pool, batch, std::chrono::steady_clock::now() + options.limit, progress));
    for (const driver::Instance& i : batch) ++endings[i.status];
  }
  progress.Finish();
  return endings;
}

}  // namespace sagad::soak
