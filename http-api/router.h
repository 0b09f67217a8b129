// Router: (method, path pattern) -> handler. Pure: no I/O, no Beast.
//
//   router.Add(Method::kPost, "/v1/sagas/{id}/retry",
//              [&](const Request& req, const PathParams& p) { return Retry(p.at("id"), req.body); });
//
// A pattern is "/"-separated literal segments and {name} segments; a {name}
// matches one non-empty segment, percent-decoded (so an id may contain "/"
// as %2F). Where several patterns match, the one with a literal earliest
// wins ("/v1/sagas/stats" over "/v1/sagas/{id}"). HEAD is served by the GET
// route. A path no pattern matches is 404; a path some pattern matches with
// another method is 405 with Allow.
//
// Routes are added at startup, before the server starts; Find is then safe
// from any number of threads. A malformed pattern or a duplicate route is a
// bug in sagad: Add logs it and aborts, so the first test that builds the
// router finds it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http-api/request.h"
#include "http-api/responder.h"
#include "http-api/response.h"

namespace sagad::http {

using PathParams = std::map<std::string, std::string, std::less<>>;

// Runs on an io thread: must not block for long. Throwing is answered 500.
using Handler = std::function<Response(const Request&, const PathParams&)>;
// For work that completes elsewhere (the engine's group commit): answer
// through the Responder from any thread, without holding the io thread.
using AsyncHandler = std::function<void(Request, PathParams, Responder)>;

struct RouteOptions {
  // Served without the admin token even when reads are protected (probes).
  bool public_route = false;
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // also the metrics label: bounded, unlike raw paths
  std::vector<std::string> segments;  // "{id}" for parameters
  std::variant<Handler, AsyncHandler> handler;
  RouteOptions options;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // kFound
  PathParams params;             // kFound
  std::string allow;             // kMethodNotAllowed: "GET, HEAD, POST"
  std::string error;             // kBadPath: why the path could not be decoded
};

class Router {
 public:
  void Add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void AddAsync(Method method, std::string_view pattern, AsyncHandler handler, RouteOptions options = {});

  // `path` is still percent-encoded (Request::path).
  RouteMatch Find(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  void AddRoute(Route route);

  std::vector<Route> routes_;
};

}  // namespace sagad::http
