// A closed-loop HTTP/1.1 load client for benchmarks: N keep-alive
// connections to 127.0.0.1 on one io thread, each sending its next request
// as soon as the previous answer is read (so N requests are in flight).
// Beast stays in http_load.cc.
//
//   LoadResult r = RunLoad({.port = p, .connections = 64, .duration = 5s},
//                          [](std::uint64_t n) { return LoadRequest{"GET", "/v1/sagas/x-" + std::to_string(n)}; });
//   r.requests / r.seconds, r.Unexpected(200), PercentileMs(r.latencies_us, 99)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sagad::bench {

struct LoadRequest {
  std::string method;  // "GET", "POST"
  std::string target;
  std::string body;  // sent as application/json when not empty
};

struct LoadOptions {
  std::uint16_t port = 0;
  int connections = 64;
  std::chrono::milliseconds duration{0};  // stop issuing after this long (0: no limit)
  std::uint64_t total = 0;                // stop after this many requests (0: no limit)
};

struct LoadResult {
  std::uint64_t requests = 0;
  double seconds = 0;                         // first request sent to last answer read
  std::map<int, std::uint64_t> statuses;      // answers by HTTP status
  std::vector<std::int64_t> latencies_us;     // request written to answer read, per request
  std::string first_unexpected;               // "STATUS BODY" of the first answer not `expected` (see Unexpected)

  std::uint64_t Unexpected(int expected) const {
    auto it = statuses.find(expected);
    return requests - (it == statuses.end() ? 0 : it->second);
  }
};

// `next(n)` builds the n-th request (n counts from 0 over all connections);
// `on_answer`, if set, sees each answer's status and body. `expected` only
// chooses which answer lands in first_unexpected. Throws if a connection
// fails (refused, reset, closed by the server): a benchmark must not go on.
using NextRequest = std::function<LoadRequest(std::uint64_t n)>;
using OnAnswer = std::function<void(int status, const std::string& body)>;
LoadResult RunLoad(const LoadOptions& options, const NextRequest& next, int expected, const OnAnswer& on_answer = {});

// One GET on a fresh connection: the body of a 200, else it throws.
std::string FetchOrThrow(std::uint16_t port, const std::string& target);

}  // namespace sagad::bench
