#include "http-api/internal/beast_message.h"

#include <boost/beast/http/error.hpp>
#include <cctype>

#include "http-api/problem.h"

namespace sagad::http::internal {

namespace bhttp = boost::beast::http;

Request FromBeast(BeastRequest&& request) {
  Request out;
  auto method = request.method_string();
  out.method = MethodFromName(std::string_view(method.data(), method.size()));
  auto target = request.target();
  out.target.assign(target.data(), target.size());
  out.headers.reserve(8);
  for (const auto& field : request) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(request.body());
  return out;
}

BeastResponse ToBeast(Response&& response, unsigned version, bool keep_alive, bool head) {
  // A handler's nonsense status is our bug, not the client's: 500.
  int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
  BeastResponse out{static_cast<bhttp::status>(status), version};
  out.set(bhttp::field::server, "sagad");
  out.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.insert(name, value);
  std::size_t length = response.body.size();
  if (!head) out.body() = std::move(response.body);
  out.content_length(length);
  out.keep_alive(keep_alive);
  return out;
}

Response ForReadError(const boost::beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return Problem(413, "request body larger than the server accepts");
  if (ec == bhttp::error::header_limit) return Problem(431, "request header larger than the server accepts");
  return Problem(400, "malformed HTTP request: " + ec.message());
}

}  // namespace sagad::http::internal
