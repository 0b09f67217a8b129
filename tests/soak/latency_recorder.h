// The answers to the soak's starts, gathered between two samples: the
// latency of each accepted start (from the moment it was due, so time spent
// waiting for a free connection counts) and what went wrong with the others.
// Written by every connection's thread, taken by the sampler once a window.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace sagad::soak {

struct WindowAnswers {
  std::vector<std::uint32_t> latencies_us;  // accepted starts
  std::size_t errors = 0;                   // refused or failed starts
  std::size_t shed = 0;                     // refused by sagad's admission (503), where the run expects it
};

class LatencyRecorder {
 public:
  void Accepted(std::chrono::microseconds latency);
  void Failed(const std::string& what);
  void Shed();

  // What was answered since the last Take.
  WindowAnswers Take();
  // The first few failures of the whole run, for the report.
  std::vector<std::string> FirstFailures() const;

 private:
  mutable std::mutex mu_;
  WindowAnswers current_;
  std::vector<std::string> first_failures_;
};

}  // namespace sagad::soak
