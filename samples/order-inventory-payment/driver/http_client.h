// A small blocking HTTP/1.1 client for the driver: one keep-alive
// connection, used by one thread. Beast stays in http_client.cc so the rest
// of the driver compiles without it.
//
// Every request the driver sends is idempotent (commands carry their id,
// sagas are started by key, reads are reads), so a request whose connection
// broke is simply sent again on a new connection, and a 503 (the server or a
// participant is busy or starting) is sent again after a short pause, until
// `retry_for` has passed.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "participants/http/http_url.h"

namespace sagad::sample::driver {

struct HttpAnswer {
  int status = 0;
  Json body;  // parsed JSON, or the raw text as a JSON string when it is not JSON
};

class HttpClient {
 public:
  explicit HttpClient(participants::HttpUrl server,
                      std::chrono::milliseconds retry_for = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any answer but a 503 is returned as it is (the caller judges 4xx);
  // Unavailable when the server could not be reached, or still answered 503,
  // within `retry_for`.
  Result<HttpAnswer> Get(const std::string& target);
  Result<HttpAnswer> Post(const std::string& target, const Json& body);

  // One attempt, no retry: for probes such as /readyz.
  Result<HttpAnswer> Once(std::string_view method, const std::string& target, const Json* body = nullptr);

 private:
  Result<HttpAnswer> Send(std::string_view method, const std::string& target, const Json* body);

  class Connection;
  participants::HttpUrl server_;
  std::chrono::milliseconds retry_for_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace sagad::sample::driver
