// libFuzzer target for the path a request's bytes take: Beast's parser (with
// the server's limits) -> our Request -> routing, auth and handlers -> the
// serialised response. Beyond "no crash, no hang, no leak" (the sanitizers'
// job) it checks that every answer is a valid status and that errors are
// problem+json documents that parse.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "http-api/internal/beast_message.h"
#include "http-api/ops_routes.h"
#include "http-api/pipeline.h"
#include "http-api/problem.h"

namespace http = sagad::http;
namespace bhttp = boost::beast::http;

namespace {

struct World {
  World() {
    http::AddOpsRoutes(router, registry);
    router.Add(http::Method::kGet, "/v1/sagas/{id}", [](const http::Request& r, const http::PathParams& p) {
      return http::Response::Json(200, sagad::Json{{"id", p.at("id")}, {"limit", r.Query("limit").value_or("")}});
    });
    router.Add(http::Method::kPost, "/v1/sagas/{id}/retry", [](const http::Request& r, const http::PathParams&) {
      sagad::Result<sagad::Json> body = sagad::ParseJson(r.body);
      if (!body.ok()) return http::ProblemFromStatus(body.status());
      return http::Response::Json(200, *body);
    });
  }
  sagad::metrics::Registry registry;
  http::Router router;
  http::RequestPipeline pipeline{router, http::AuthOptions{"token", /*protect_reads=*/false}, registry};
};

void Check(const http::Response& response) {
  if (response.status < 100 || response.status > 599) __builtin_trap();
  if (response.status >= 400) {
    if (response.content_type != http::kProblemType) __builtin_trap();
    if (!sagad::ParseJson(response.body).ok()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  http::Response response;
  if (ec || !parser.is_done()) {
    response = sagad::http::internal::ForReadError(ec ? ec : bhttp::error::partial_message);
  } else {
    response = world.pipeline.HandleNow(sagad::http::internal::FromBeast(parser.release()));
  }
  Check(response);
  std::ostringstream out;
  out << sagad::http::internal::ToBeast(std::move(response), 11, true, false);
  return 0;
}
