// Drives an AggregateRuntime with `senders` threads, each keeping up to
// `window / senders` commands outstanding (closed loop), and records the
// latency of every command from Send to its durable answer.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "core/runtime/aggregate_runtime.h"

namespace sagad::testing {

using LoadClock = std::chrono::steady_clock;

struct LoadResult {
  double seconds = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::vector<std::int64_t> latency_us;
  double per_second() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

inline LoadResult RunLoad(AggregateRuntime& runtime, std::size_t total, std::size_t window, int senders,
                          const std::function<Command(std::size_t i)>& make) {
  LoadResult result;
  result.latency_us.assign(total, 0);
  std::vector<LoadClock::time_point> sent(total);
  std::atomic<std::uint64_t> ok{0}, failed{0}, done{0};
  std::mutex mu;
  std::condition_variable all_done;
  std::atomic<std::size_t> next{0};

  auto start = LoadClock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([&] {
      std::counting_semaphore<1 << 20> slots(static_cast<std::ptrdiff_t>(std::max<std::size_t>(1, window / senders)));
      std::atomic<int> outstanding{0};
      while (true) {
        std::size_t i = next.fetch_add(1);
        if (i >= total) break;
        slots.acquire();
        outstanding++;
        Command c = make(i);
        sent[i] = LoadClock::now();
        runtime.Send(std::move(c), [&, i](CommandResult r) {
          result.latency_us[i] =
              std::chrono::duration_cast<std::chrono::microseconds>(LoadClock::now() - sent[i]).count();
          (r.status.ok() ? ok : failed)++;
          outstanding--;
          slots.release();
          if (done.fetch_add(1) + 1 == total) {
            std::lock_guard lock(mu);
            all_done.notify_all();
          }
        });
      }
      // The semaphore lives on this thread's stack: wait for our callbacks.
      while (outstanding.load() > 0) std::this_thread::yield();
    });
  }
  {
    std::unique_lock lock(mu);
    all_done.wait(lock, [&] { return done.load() >= total; });
  }
  for (auto& t : threads) t.join();
  result.seconds = std::chrono::duration<double>(LoadClock::now() - start).count();
  result.ok = ok;
  result.failed = failed;
  return result;
}

}  // namespace sagad::testing
