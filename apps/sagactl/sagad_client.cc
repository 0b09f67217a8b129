#include "apps/sagactl/sagad_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sagactl {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Event histories can be long; anything beyond this is not a sagad answer.
constexpr std::uint64_t kMaxBody = 256u << 20;

}  // namespace

std::string Encoded(std::string_view text) {
  // TargetFor percent-encodes everything but RFC 3986 unreserved characters;
  // with no base path it yields "/" + the encoded text.
  return sagad::participants::HttpUrl{}.TargetFor(text).substr(1);
}

SagadClient::SagadClient(sagad::participants::HttpUrl server, std::string token, std::chrono::milliseconds timeout)
    : server_(std::move(server)), token_(std::move(token)), timeout_(timeout) {}

sagad::Result<HttpAnswer> SagadClient::Call(const HttpCall& call) const {
  // Every step is asynchronous so that tcp_stream's deadline applies (Beast's
  // synchronous calls ignore it); io.run() makes the exchange blocking.
  net::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{http::string_to_verb(call.method), server_.base_path + call.target, 11};
  request.set(http::field::host, server_.HostHeader());
  request.set(http::field::user_agent, "sagactl");
  request.set(http::field::accept, "application/json, application/problem+json");
  request.set(http::field::connection, "close");
  if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (call.method == "POST" || !call.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
    request.prepare_payload();
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);

  beast::error_code failure;
  std::string failed_step;
  auto fail = [&](const char* step, beast::error_code ec) {
    failed_step = step;
    failure = ec;
  };
  resolver.async_resolve(server_.host, std::to_string(server_.port), [&](beast::error_code ec,
                                                                         tcp::resolver::results_type endpoints) {
    if (ec) return fail("resolving the host", ec);
    stream.expires_after(timeout_);
    stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return fail("connecting", ec);
      http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
        if (ec) return fail("sending the request", ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          if (ec) return fail("reading the answer", ec);
        });
      });
    });
  });
  io.run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (failure) {
    std::string why = failure == beast::error::timeout ? "no answer within " + std::to_string(timeout_.count()) + " ms"
                                                       : failure.message();
    return sagad::Status::Unavailable("cannot reach sagad at " + server_.ToString() + " (" + failed_step +
                                      "): " + why);
  }
  const auto& response = parser.get();
  return HttpAnswer{static_cast<int>(response.result_int()), std::string(response[http::field::content_type]),
                    response.body()};
}

}  // namespace sagactl
