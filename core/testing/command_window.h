// CommandWindow: at most `limit` commands of one client outstanding.
// Acquire before Send, Release in the callback; Drain waits for every answer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sagad::testing {

class CommandWindow {
 public:
  explicit CommandWindow(int limit) : limit_(limit) {}

  void Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return outstanding_ < limit_; });
    ++outstanding_;
  }

  void Release() {
    {
      std::lock_guard lock(mu_);
      --outstanding_;
    }
    cv_.notify_all();
  }

  // False if some answers were still missing after `timeout`.
  bool Drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return outstanding_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int limit_;
  int outstanding_ = 0;
};

}  // namespace sagad::testing
