// Time as a dependency, so tests can drive it (see core/testing/fake_clock.h).
#pragma once

#include <chrono>
#include <cstdint>

namespace sagad {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock: stored in events).
  virtual std::int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  static SystemClock* Default() {
    static SystemClock clock;
    return &clock;
  }
};

}  // namespace sagad
