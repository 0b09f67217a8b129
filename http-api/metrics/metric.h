// The three metric kinds, each one time series. Updates are lock-free
// atomics (relaxed: a scrape needs no ordering with other memory), cheap
// enough for every request and every command. Get one from a family in the
// Registry once and keep the reference: lookups take a lock, updates do not.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace sagad::metrics {

// Only goes up (restarts reset it; Prometheus' rate() copes).
class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down: queue depth, open connections.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into fixed buckets (upper bounds, inclusive) and sums
// them. Buckets are stored non-cumulative (one increment per observation)
// and summed when rendered.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
  };
  Snapshot Take() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 (+Inf)
  std::atomic<double> sum_{0};
};

}  // namespace sagad::metrics
