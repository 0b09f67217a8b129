#include "bench/http_load.h"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <optional>
#include <stdexcept>

#include "bench/bench_util.h"

namespace sagad::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// The run's shared state. Every connection runs on the one io thread, so
// nothing here needs a lock.
class Load {
 public:
  Load(const LoadOptions& options, const NextRequest& next, int expected, const OnAnswer& on_answer)
      : options_(options), next_(next), expected_(expected), on_answer_(on_answer) {}

  void Begin() {
    started_ = Clock::now();
    deadline_ = started_ + options_.duration;
  }

  // The next request to send, or nothing once the run is over.
  std::optional<bhttp::request<bhttp::string_body>> Take() {
    if (options_.total > 0 && issued_ >= options_.total) return std::nullopt;
    if (options_.duration.count() > 0 && Clock::now() >= deadline_) return std::nullopt;
    LoadRequest r = next_(issued_++);
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), r.target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!r.body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = std::move(r.body);
    }
    req.prepare_payload();
    return req;
  }

  void Record(const bhttp::response<bhttp::string_body>& res, Clock::time_point sent) {
    result_.latencies_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count());
    result_.requests++;
    result_.statuses[res.result_int()]++;
    if (res.result_int() != static_cast<unsigned>(expected_) && result_.first_unexpected.empty()) {
      result_.first_unexpected = std::to_string(res.result_int()) + " " + res.body();
    }
    if (on_answer_) on_answer_(static_cast<int>(res.result_int()), res.body());
  }

  void Fail(std::exception_ptr e) {
    if (!error_) error_ = e;
  }

  LoadResult Finish() {
    if (error_) std::rethrow_exception(error_);
    result_.seconds = SecondsSince(started_);
    return std::move(result_);
  }

  std::uint16_t port() const { return options_.port; }

 private:
  const LoadOptions& options_;
  const NextRequest& next_;
  int expected_;
  const OnAnswer& on_answer_;
  Clock::time_point started_;
  Clock::time_point deadline_;
  std::uint64_t issued_ = 0;
  LoadResult result_;
  std::exception_ptr error_;
};

net::awaitable<void> Connection(Load& load) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  co_await stream.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), load.port()), net::use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  while (auto req = load.Take()) {
    Clock::time_point sent = Clock::now();
    co_await bhttp::async_write(stream, *req, net::use_awaitable);
    bhttp::response<bhttp::string_body> res;
    co_await bhttp::async_read(stream, buffer, res, net::use_awaitable);
    load.Record(res, sent);
    if (!res.keep_alive()) throw std::runtime_error("the server closed a keep-alive connection");
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace

LoadResult RunLoad(const LoadOptions& options, const NextRequest& next, int expected, const OnAnswer& on_answer) {
  net::io_context io(1);
  Load load(options, next, expected, on_answer);
  load.Begin();
  for (int i = 0; i < options.connections; ++i) {
    net::co_spawn(io, Connection(load), [&load](std::exception_ptr e) {
      if (e) load.Fail(e);
    });
  }
  io.run();
  return load.Finish();
}

std::string FetchOrThrow(std::uint16_t port, const std::string& target) {
  std::string body;
  LoadResult r = RunLoad({.port = port, .connections = 1, .total = 1},
                         [&](std::uint64_t) { return LoadRequest{"GET", target, ""}; }, 200,
                         [&](int, const std::string& b) { body = b; });
  if (r.Unexpected(200) > 0) throw std::runtime_error("GET " + target + ": " + r.first_unexpected);
  return body;
}

}  // namespace sagad::bench
