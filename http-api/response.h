// Response: what a route handler returns. The server adds Content-Length,
// Connection and Server; everything else is the handler's.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "http-api/request.h"

namespace sagad::http {

inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kTextType = "text/plain; charset=utf-8";

struct Response {
  int status = 200;
  std::string content_type = std::string(kTextType);
  Fields headers;  // extra headers, e.g. {"Allow", "GET, HEAD"}
  std::string body;

  static Response Json(int status, const sagad::Json& body);
  static Response Text(int status, std::string body, std::string_view content_type = kTextType);
};

// "Not Found" for 404; "Unknown" for codes HTTP does not define.
std::string_view ReasonPhrase(int status);

}  // namespace sagad::http
