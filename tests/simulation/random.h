// The one source of randomness of a simulated run: every choice (the
// definitions, the workload, each fault, each delay, which loop turns next)
// is drawn from it, so a seed replays the run exactly. Our own helpers over
// the raw generator: the standard distributions may differ between library
// versions, and a seed must mean the same run everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace sagad::simulation {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed * 0x9E3779B97F4A7C15ULL + 1) {}

  std::uint64_t Next() { return engine_(); }
  // 0 .. n-1 (n > 0).
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  // lo .. hi, inclusive.
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  // True with probability p.
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace sagad::simulation
