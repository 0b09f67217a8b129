#include "samples/order-inventory-payment/driver/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace sagad::sample::driver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// One request on a healthy server answers in milliseconds; this only bounds
// a server that stopped answering.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kRetryPause = std::chrono::milliseconds(50);

http::verb Verb(std::string_view method) { return method == "POST" ? http::verb::post : http::verb::get; }

}  // namespace

// A connected socket and the bytes read past the last answer. Broken as soon
// as anything fails: the next request reconnects.
class HttpClient::Connection {
 public:
  explicit Connection(const participants::HttpUrl& server) : stream_(ioc_) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(server.host, std::to_string(server.port), ec);
    if (ec) {
      error_ = "cannot resolve " + server.host + ": " + ec.message();
      return;
    }
    stream_.expires_after(kRequestTimeout);
    stream_.connect(endpoints, ec);
    if (ec) error_ = "cannot connect to " + server.Origin() + ": " + ec.message();
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  Result<HttpAnswer> Exchange(http::request<http::string_body>& request) {
    beast::error_code ec;
    stream_.expires_after(kRequestTimeout);
    http::write(stream_, request, ec);
    http::response<http::string_body> response;
    if (!ec) http::read(stream_, buffer_, response, ec);
    if (ec) {
      error_ = ec.message();
      return Status::Unavailable(std::string(request.method_string()) + " " + std::string(request.target()) +
                                 ": " + ec.message());
    }
    if (!response.keep_alive()) error_ = "server closed the connection";
    HttpAnswer answer;
    answer.status = static_cast<int>(response.result_int());
    Result<Json> json = ParseJson(response.body());
    answer.body = json.ok() ? std::move(json).value() : Json(response.body());
    return answer;
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string error_;
};

HttpClient::HttpClient(participants::HttpUrl server, std::chrono::milliseconds retry_for)
    : server_(std::move(server)), retry_for_(retry_for) {}

HttpClient::~HttpClient() = default;

Result<HttpAnswer> HttpClient::Get(const std::string& target) { return Send("GET", target, nullptr); }

Result<HttpAnswer> HttpClient::Post(const std::string& target, const Json& body) {
  return Send("POST", target, &body);
}

Result<HttpAnswer> HttpClient::Send(std::string_view method, const std::string& target, const Json* body) {
  auto deadline = std::chrono::steady_clock::now() + retry_for_;
  while (true) {
    Result<HttpAnswer> answer = Once(method, target, body);
    bool busy = answer.ok() && answer->status == 503;
    if (!busy && (answer.ok() || !answer.status().IsRetryable())) return answer;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (answer.ok()) {
        return Status::Unavailable(std::string(method) + " " + target + " still answered 503 after " +
                                   std::to_string(retry_for_.count() / 1000) + " s: " + answer->body.dump());
      }
      return answer.status();
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

Result<HttpAnswer> HttpClient::Once(std::string_view method, const std::string& target, const Json* body) {
  if (!connection_ || !connection_->ok()) {
    connection_ = std::make_unique<Connection>(server_);
    if (!connection_->ok()) return Status::Unavailable(connection_->error());
  }
  http::request<http::string_body> request(Verb(method), server_.base_path + target, 11);
  request.set(http::field::host, server_.HostHeader());
  request.keep_alive(true);
  if (body) {
    request.set(http::field::content_type, "application/json");
    request.body() = DumpJson(*body);
  }
  request.prepare_payload();
  return connection_->Exchange(request);
}

}  // namespace sagad::sample::driver
