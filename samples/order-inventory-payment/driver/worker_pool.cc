#include "samples/order-inventory-payment/driver/worker_pool.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace sagad::sample::driver {

WorkerPool::WorkerPool(const participants::HttpUrl& server, int connections, std::chrono::milliseconds retry_for) {
  for (int i = 0; i < std::max(connections, 1); ++i) {
    clients_.push_back(std::make_unique<HttpClient>(server, retry_for));
  }
}

Status WorkerPool::ForEach(std::size_t n, const Work& work, Progress* progress) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;
  auto run = [&](HttpClient& client) {
    for (std::size_t i = next++; i < n && !failed; i = next++) {
      Status s = work(client, i);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (!failed.exchange(true)) first_error = std::move(s);
        return;
      }
      if (progress) progress->Advance();
    }
  };
  std::vector<std::thread> threads;
  std::size_t workers = std::min(clients_.size(), n);
  for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(run, std::ref(*clients_[w]));
  for (std::thread& t : threads) t.join();
  return first_error;
}

}  // namespace sagad::sample::driver
