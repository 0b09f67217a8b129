#include "samples/order-inventory-payment/driver/progress.h"

#include <unistd.h>

#include <chrono>

namespace sagad::sample::driver {
namespace {

// Often enough to look alive on a terminal; rare enough not to flood a log.
constexpr auto kTerminalInterval = std::chrono::milliseconds(200);
constexpr auto kLogInterval = std::chrono::seconds(5);

}  // namespace

Progress::Progress(std::FILE* out, std::string label, std::size_t total)
    : out_(out), label_(std::move(label)), total_(total), terminal_(isatty(fileno(out)) != 0) {
  reporter_ = std::thread([this] { Report(); });
}

Progress::~Progress() { Finish(); }

void Progress::Finish() {
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
  }
  wake_.notify_all();
  reporter_.join();
  Print(true);
}

void Progress::Report() {
  auto interval = terminal_ ? std::chrono::duration_cast<std::chrono::milliseconds>(kTerminalInterval)
                            : std::chrono::duration_cast<std::chrono::milliseconds>(kLogInterval);
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval, [this] { return finished_; })) Print(false);
}

void Progress::Print(bool final) {
  std::size_t done = done_.load(std::memory_order_relaxed);
  // "\033[K" clears what a longer previous line left behind.
  const char* start = terminal_ ? "\r\033[K" : "";
  const char* end = terminal_ && !final ? "" : "\n";
  std::fprintf(out_, "%s  %s %zu/%zu%s", start, label_.c_str(), done, total_, end);
  std::fflush(out_);
}

}  // namespace sagad::sample::driver
