// Load at a fixed rate whatever the server does (open loop): request i is
// due at start + i / rate. Each of `connections` threads has its own
// keep-alive connection, takes the next request, waits until it is due and
// sends it. When the server slows down, due requests wait for a free
// connection, and since latency counts from when a request was due, the
// wait shows in the percentiles instead of quietly lowering the rate (what a
// closed loop, each client sending when its last answer came, would hide).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "core/status.h"
#include "participants/http/http_url.h"
#include "samples/order-inventory-payment/driver/http_client.h"
#include "tests/soak/latency_recorder.h"

namespace sagad::soak {

struct OpenLoopOptions {
  participants::HttpUrl server;
  int connections = 16;
  double rate = 300;        // requests per second
  std::uint64_t count = 0;  // requests in all
};

// How the server answered a request it did not fail.
enum class Answered {
  kAccepted,
  kShed,  // refused for now to protect itself (503 + Retry-After), where the caller expects that
};
// Sends request `index` on `client`; an error when the request failed.
using SendRequest = std::function<Result<Answered>(sample::driver::HttpClient& client, std::uint64_t index)>;

class OpenLoop {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts sending at once; `recorder` gets every answer.
  OpenLoop(OpenLoopOptions options, SendRequest send, LatencyRecorder* recorder);
  ~OpenLoop();  // Join
  OpenLoop(const OpenLoop&) = delete;
  OpenLoop& operator=(const OpenLoop&) = delete;

  // Until every request was sent and answered; the connections stay open
  // until then, so that sagad's open descriptors do not drop under the last
  // sample.
  void Join();

  Clock::time_point started_at() const { return start_; }
  // Requests taken by a connection so far (sent, or waiting for their moment).
  std::uint64_t taken() const { return std::min(next_.load(), options_.count); }

 private:
  void Connection();

  OpenLoopOptions options_;
  SendRequest send_;
  LatencyRecorder* recorder_;
  Clock::time_point start_;
  std::atomic<std::uint64_t> next_{0};
  std::atomic<bool> closing_{false};
  std::vector<std::thread> threads_;
};

}  // namespace sagad::soak
