#include "http-api/response.h"

#include <boost/beast/http/status.hpp>

namespace sagad::http {

Response Response::Json(int status, const sagad::Json& body) {
  return Response{status, std::string(kJsonType), {}, DumpJson(body)};
}

Response Response::Text(int status, std::string body, std::string_view content_type) {
  return Response{status, std::string(content_type), {}, std::move(body)};
}

std::string_view ReasonPhrase(int status) {
  if (status < 100 || status > 599) return "Unknown";
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return {reason.data(), reason.size()};
}

}  // namespace sagad::http
