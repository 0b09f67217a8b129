#include "tests/soak/open_loop.h"

#include <algorithm>

namespace sagad::soak {

OpenLoop::OpenLoop(OpenLoopOptions options, SendRequest send, LatencyRecorder* recorder)
    : options_(std::move(options)), send_(std::move(send)), recorder_(recorder), start_(Clock::now()) {
  for (int i = 0; i < std::max(options_.connections, 1); ++i) threads_.emplace_back([this] { Connection(); });
}

OpenLoop::~OpenLoop() { Join(); }

void OpenLoop::Join() {
  closing_ = true;
  closing_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void OpenLoop::Connection() {
  // No retry on this connection: a refused start, a 503 or a broken
  // connection is an error of the soak (or, under --overload, a 503 is load
  // shed and counted apart), not something to paper over.
  sample::driver::HttpClient client(options_.server, std::chrono::milliseconds(0));
  for (std::uint64_t i = next_++; i < options_.count; i = next_++) {
    auto due = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / options_.rate));
    std::this_thread::sleep_until(due);
    Result<Answered> sent = send_(client, i);
    if (!sent.ok()) {
      recorder_->Failed(sent.status().message());
    } else if (*sent == Answered::kShed) {
      recorder_->Shed();
    } else {
      recorder_->Accepted(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due));
    }
  }
  closing_.wait(false);
}

}  // namespace sagad::soak
