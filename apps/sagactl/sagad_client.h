// A small blocking HTTP/1.1 client for sagactl's online commands: one
// request per connection, a deadline on the whole exchange. Boost.Beast stays
// in the .cc file.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "participants/http/http_url.h"

namespace sagactl {

struct HttpCall {
  std::string method = "GET";  // GET or POST
  std::string target;          // "/v1/sagas?status=STUCK", appended to the server's base path
  std::string body;            // sent as application/json when non-empty or POST
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};

class SagadClient {
 public:
  // `token` empty: no Authorization header.
  SagadClient(sagad::participants::HttpUrl server, std::string token,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Any HTTP status is an answer; Unavailable (naming the server and the
  // reason) when no answer came: refused, reset, timed out, not HTTP.
  sagad::Result<HttpAnswer> Call(const HttpCall& call) const;

 private:
  sagad::participants::HttpUrl server_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

// One path segment or query value, percent-encoded: ids may hold "/", "?"
// or spaces.
std::string Encoded(std::string_view text);

}  // namespace sagactl
