// A scripted HTTP/1.1 server on 127.0.0.1 for the transport's tests: each
// request is answered by what the test's handler returns, including the
// faults (hang, close mid-reply, raw garbage). Counts connections so tests
// can check pooling and the connection cap.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagad::participants::httptest {

struct TestRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string idempotency_key;
  std::string content_type;
};

struct TestAction {
  enum class Kind {
    kRespond,             // status + headers + body, keep-alive as the client asked
    kRespondThenClose,    // the same, then close without saying so (a stale pooled connection)
    kHang,                // never answer
    kCloseMidReply,       // headers and half the body, then close
    kRaw,                 // `body` written verbatim (need not be HTTP), then the next request is read
    kRawThenHang,         // `body` written verbatim, then the connection stays open, silent
    kTrickle,             // a 200 header, then one body byte every 20 ms, forever
  };
  Kind kind = Kind::kRespond;
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra, for kRespond*

  static TestAction Respond(unsigned status, std::string body) { return {Kind::kRespond, status, std::move(body), {}}; }
  static TestAction RespondThenClose(unsigned status, std::string body) {
    return {Kind::kRespondThenClose, status, std::move(body), {}};
  }
  static TestAction Hang() { return {Kind::kHang, 0, {}, {}}; }
  static TestAction CloseMidReply() { return {Kind::kCloseMidReply, 200, {}, {}}; }
  static TestAction Raw(std::string bytes) { return {Kind::kRaw, 0, std::move(bytes), {}}; }
  static TestAction RawThenHang(std::string bytes) { return {Kind::kRawThenHang, 0, std::move(bytes), {}}; }
  static TestAction Trickle() { return {Kind::kTrickle, 200, {}, {}}; }

  TestAction WithHeader(std::string name, std::string value) && {
    headers.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
};

class TestHttpServer {
 public:
  // Called on the server's thread, one request at a time.
  using Handler = std::function<TestAction(const TestRequest&)>;

  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();  // closes everything

  std::uint16_t port() const;
  std::string Url(std::string_view path = "") const;  // "http://127.0.0.1:<port>" + path

  int connections_accepted() const;
  int peak_open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad::participants::httptest
