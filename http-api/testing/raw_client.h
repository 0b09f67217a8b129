// A blocking HTTP/1.1 client on a plain socket, for tests that need to
// misbehave: send half a header, malformed bytes, or hold a connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http-api/request.h"

namespace sagad::http::testing {

struct RawResponse {
  int status = 0;
  Fields headers;  // lower-case names
  std::string body;
  std::optional<std::string_view> Header(std::string_view name) const;
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port);  // connects to 127.0.0.1:port
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // One response (Content-Length framed), or nullopt on close or timeout.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Send a request and read its response.
  std::optional<RawResponse> Exchange(std::string_view request);
  // True if the server closes the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  // Appends what arrives; false on close, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
};

// "GET /x HTTP/1.1\r\nHost: t\r\n" + extra headers + Content-Length + body.
std::string HttpRequest(std::string_view method, std::string_view target, std::string_view body = "",
                        std::string_view extra_headers = "");

}  // namespace sagad::http::testing
