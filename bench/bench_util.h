// Shared helpers for benchmark programs: JSON-line output, latency
// percentiles, temporary store paths, a bounded-window load generator.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/json.h"

namespace sagad::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One machine-readable line per figure: {"name","value","unit",...}.
inline void Report(const std::string& name, double value, const std::string& unit, Json extra = Json::object()) {
  Json line = {{"name", name}, {"value", value}, {"unit", unit}};
  for (auto& [k, v] : extra.items()) line[k] = v;
  std::cout << line.dump() << std::endl;
}

// Percentile (0..100) of latencies in microseconds, reported in ms.
inline double PercentileMs(std::vector<std::int64_t>& micros, double pct) {
  if (micros.empty()) return 0;
  auto k = static_cast<std::size_t>(pct / 100.0 * static_cast<double>(micros.size() - 1));
  std::nth_element(micros.begin(), micros.begin() + static_cast<std::ptrdiff_t>(k), micros.end());
  return static_cast<double>(micros[k]) / 1000.0;
}

// A fresh directory under /tmp, removed when this goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("sagad-bench-" + tag + "-" + std::to_string(Clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace sagad::bench
