// The driver's connections: one keep-alive HttpClient per worker thread,
// kept across phases, and a parallel for-each over them.
#pragma once

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

  WorkerPool(const participants::HttpUrl& server, int connections);

  // Calls work(client, i) for every i in [0, n), spread over the workers;
  // each call counts one on `progress` (if any). The first error stops the
  // workers and is returned.
  Status ForEach(std::size_t n, const Work& work, Progress* progress = nullptr);

  HttpClient& first() { return *clients_.front(); }

 private:
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

}  // namespace sagad::sample::driver
