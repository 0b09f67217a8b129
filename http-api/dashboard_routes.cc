#include "http-api/dashboard_routes.h"

#include <functional>
#include <string>

#include "http-api/dashboard_files.h"
#include "http-api/graph_route.h"
#include "http-api/problem.h"
#include "http-api/stats_route.h"

namespace sagad::http {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// The page builds its DOM from API data (ids, error texts: user input), so
// the policy forbids inline and foreign scripts as a second line of defence
// behind the escaping in dom.js.
constexpr char kSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// Built with += rather than "\"" + ... : GCC 12 warns (-Wrestrict) on that.
std::string ETagOf(std::string_view body) {
  std::string tag = "\"";
  tag += std::to_string(std::hash<std::string_view>{}(body));
  tag += '"';
  return tag;
}

Response Serve(const DashboardFile& file, const Request& req) {
  std::string etag = ETagOf(file.body);
  // no-cache: revalidate every time, so a new sagad's page is never mixed
  // with an old script from the browser's cache.
  Response r = Response::Text(200, "", ContentTypeOf(file.name));
  if (req.Header("If-None-Match") == etag) {
    r.status = 304;
  } else {
    r.body = std::string(file.body);
  }
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.name.ends_with(".html")) r.headers.emplace_back("Content-Security-Policy", kSecurityPolicy);
  return r;
}

const DashboardFile* FindFile(std::string_view name) {
  for (const DashboardFile& f : DashboardFiles()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

void AddDashboardRoutes(Router& router) {
  RouteOptions public_route{.public_route = true};
  router.Add(
      Method::kGet, "/",
      [](const Request& req, const PathParams&) {
        const DashboardFile* index = FindFile("index.html");
        return index ? Serve(*index, req) : Problem(404, "this sagad was built without its dashboard");
      },
      public_route);
  router.Add(
      Method::kGet, "/dashboard/{file}",
      [](const Request& req, const PathParams& p) {
        const DashboardFile* file = FindFile(p.at("file"));
        return file ? Serve(*file, req) : Problem(404, "no dashboard file " + p.at("file"));
      },
      public_route);
}

void AddDashboardRoutes(Router& router, const SagaApi& api) {
  AddDashboardRoutes(router);
  AddStatsRoute(router, api);
  AddGraphRoute(router, api.catalog);
}

}  // namespace sagad::http
