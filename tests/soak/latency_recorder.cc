#include "tests/soak/latency_recorder.h"

#include <algorithm>
#include <limits>

namespace sagad::soak {
namespace {

constexpr std::size_t kKeptFailures = 10;

}  // namespace

void LatencyRecorder::Accepted(std::chrono::microseconds latency) {
  auto us = std::clamp<std::int64_t>(latency.count(), 0, std::numeric_limits<std::uint32_t>::max());
  std::lock_guard lock(mu_);
  current_.latencies_us.push_back(static_cast<std::uint32_t>(us));
}

void LatencyRecorder::Failed(const std::string& what) {
  std::lock_guard lock(mu_);
  ++current_.errors;
  if (first_failures_.size() < kKeptFailures) first_failures_.push_back(what);
}

void LatencyRecorder::Shed() {
  std::lock_guard lock(mu_);
  ++current_.shed;
}

WindowAnswers LatencyRecorder::Take() {
  std::lock_guard lock(mu_);
  WindowAnswers taken = std::move(current_);
  current_ = {};
  return taken;
}

std::vector<std::string> LatencyRecorder::FirstFailures() const {
  std::lock_guard lock(mu_);
  return first_failures_;
}

}  // namespace sagad::soak
