#include "participants/http/test_http_server.h"

#include <atomic>
#include <chrono>
#include <string_view>
#include <utility>  // before Boost: asio/awaitable.hpp in 1.74 uses std::exchange without including it
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace sagad::participants::httptest {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct TestHttpServer::Impl {
  explicit Impl(Handler h) : handler(std::move(h)) {}

  net::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      ++accepted;
      net::co_spawn(ioc, Session(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> Session(tcp::socket socket) {
    const int now_open = ++open;
    int peak_seen = peak.load();
    while (now_open > peak_seen && !peak.compare_exchange_weak(peak_seen, now_open)) {
    }
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      TestAction action = handler(TestRequest{std::string(req.method_string()), std::string(req.target()), req.body(),
                                              std::string(req["Idempotency-Key"]),
                                              std::string(req[http::field::content_type])});
      if (action.kind == TestAction::Kind::kHang) {
        co_await Forever();
        break;
      }
      if (action.kind == TestAction::Kind::kCloseMidReply) {
        const std::string half = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ev";
        co_await net::async_write(stream, net::buffer(half), net::redirect_error(net::use_awaitable, ec));
        break;
      }
      if (action.kind == TestAction::Kind::kRaw || action.kind == TestAction::Kind::kRawThenHang) {
        co_await net::async_write(stream, net::buffer(action.body), net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        if (action.kind == TestAction::Kind::kRaw) continue;
        co_await Forever();
        break;
      }
      if (action.kind == TestAction::Kind::kTrickle) {
        co_await Trickle(stream);
        break;
      }
      http::response<http::string_body> res{static_cast<http::status>(action.status), req.version()};
      res.set(http::field::content_type, "application/json");
      for (const auto& [name, value] : action.headers) res.set(name, value);
      res.keep_alive(req.keep_alive());
      res.body() = action.body;
      res.prepare_payload();
      co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (ec || !req.keep_alive() || action.kind == TestAction::Kind::kRespondThenClose) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    --open;
  }

  // Suspends until the server stops: the connection stays open and silent.
  net::awaitable<void> Forever() {
    beast::error_code ec;
    net::steady_timer never(ioc, net::steady_timer::time_point::max());
    co_await never.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  // A reply that never ends: chunked, so no length bounds it, one byte at a
  // time until the client gives up and closes.
  net::awaitable<void> Trickle(beast::tcp_stream& stream) {
    beast::error_code ec;
    const std::string header = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    co_await net::async_write(stream, net::buffer(header), net::redirect_error(net::use_awaitable, ec));
    net::steady_timer pause(ioc);
    while (!ec) {
      co_await net::async_write(stream, net::buffer(std::string_view("1\r\n \r\n")),
                                net::redirect_error(net::use_awaitable, ec));
      pause.expires_after(std::chrono::milliseconds(20));
      if (!ec) co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  }

  Handler handler;
  std::atomic<int> accepted{0};
  std::atomic<int> open{0};
  std::atomic<int> peak{0};
  // Declared after the counters: sessions still suspended when the server
  // stops are destroyed with the io_context and must find them alive.
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
};

TestHttpServer::TestHttpServer(Handler handler) : impl_(std::make_unique<Impl>(std::move(handler))) {
  net::co_spawn(impl_->ioc, impl_->Accept(), net::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::uint16_t TestHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestHttpServer::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

int TestHttpServer::connections_accepted() const { return impl_->accepted.load(); }
int TestHttpServer::peak_open_connections() const { return impl_->peak.load(); }

}  // namespace sagad::participants::httptest
