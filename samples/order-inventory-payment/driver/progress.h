// Progress of a long phase ("placing orders 1234/2000"): a counter that
// updates in place when the output is a terminal, a plain line every few
// seconds when it is a log or a pipe (so CI logs stay readable).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace sagad::sample::driver {

class Progress {
 public:
  // Starts reporting `label` on `out` until Finish (or destruction).
  Progress(std::FILE* out, std::string label, std::size_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Advance(std::size_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }
  // Prints the final count and stops the reporter.
  void Finish();

 private:
  void Report();
  void Print(bool final);

  std::FILE* out_;
  std::string label_;
  std::size_t total_;
  bool terminal_;
  std::atomic<std::size_t> done_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::thread reporter_;
};

}  // namespace sagad::sample::driver
