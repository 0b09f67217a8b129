// RequestPipeline: what happens to a parsed request, with no sockets in
// sight: route, check the token, run the handler (a throw becomes 500),
// record sagad_http_requests_total{route,code} and
// sagad_http_request_duration_seconds{route}. The server feeds it; tests and
// the fuzzer call it directly.
#pragma once

#include <chrono>
#include <functional>

#include "http-api/auth.h"
#include "http-api/metrics/registry.h"
#include "http-api/request.h"
#include "http-api/response.h"
#include "http-api/router.h"

namespace sagad::http {

// The route label of requests no route took (400, 404, 405): one value, so a
// scan of random paths cannot grow the metrics.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class RequestPipeline {
 public:
  using Done = std::function<void(Response)>;

  // `router` and `registry` must outlive the pipeline.
  RequestPipeline(const Router& router, AuthOptions auth, metrics::Registry& registry);

  // Answers through `done`, exactly once: inline for synchronous routes,
  // from whichever thread answers the Responder for asynchronous ones.
  // `request.target` must be set; the pipeline parses it.
  void Handle(Request request, Done done) const;

  // Handle, for callers that know the route answers inline (tests, fuzzer);
  // 500 if it did not.
  Response HandleNow(Request request) const;

 private:
  using Clock = std::chrono::steady_clock;
  Done Recording(std::string_view route, Clock::time_point start, Done done) const;

  const Router& router_;
  AuthOptions auth_;
  metrics::CounterFamily& requests_;
  metrics::HistogramFamily& duration_;
};

}  // namespace sagad::http
