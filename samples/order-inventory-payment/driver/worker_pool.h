// The driver's connections: one keep-alive HttpClient per worker thread,
// kept across phases, and a parallel for-each over them.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"
#include "samples/order-inventory-payment/driver/http_client.h"
#include "samples/order-inventory-payment/driver/progress.h"

namespace sagad::sample::driver {

class WorkerPool {
 public:
  using Work = std::function<Status(HttpClient& client, std::size_t index)>;

  // Each client resends a request for up to `retry_for` (HttpClient).
  WorkerPool(const participants::HttpUrl& server, int connections, std::chrono::milliseconds retry_for);

  // Calls work(client, i) for every i in [0, n), spread over the workers;
  // each call counts one on `progress` (if any). The first error stops the
  // workers and is returned.
  Status ForEach(std::size_t n, const Work& work, Progress* progress = nullptr);

  HttpClient& first() { return *clients_.front(); }

 private:
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

}  // namespace sagad::sample::driver
