#include "http-api/pipeline.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string>

#include "http-api/problem.h"

namespace sagad::http {
namespace {

Response MethodNotAllowed(const RouteMatch& match) {
  Response response = Problem(405, "this path does not accept that method; it accepts " + match.allow);
  response.headers.emplace_back("Allow", match.allow);
  return response;
}

Response Crashed(const Route& route, std::string_view what) {
  spdlog::error("http handler {} {} threw: {}", MethodName(route.method), route.pattern, what);
  return Problem(500, "internal error while handling the request");
}

}  // namespace

RequestPipeline::RequestPipeline(const Router& router, AuthOptions auth, metrics::Registry& registry)
    : router_(router),
      auth_(std::move(auth)),
      requests_(registry.Counter("sagad_http_requests_total", "HTTP requests answered, by route pattern and status.",
                                 {"route", "code"})),
      duration_(registry.Histogram("sagad_http_request_duration_seconds",
                                   "Time from a parsed request to its response, by route pattern.", {"route"},
                                   metrics::LatencyBuckets())) {}

RequestPipeline::Done RequestPipeline::Recording(std::string_view route, Clock::time_point start, Done done) const {
  return [this, route, start, done = std::move(done)](Response response) {
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    requests_.With({route, std::to_string(response.status)}).Inc();
    duration_.With({route}).Observe(seconds);
    done(std::move(response));
  };
}

void RequestPipeline::Handle(Request request, Done done) const {
  Clock::time_point start = Clock::now();
  Status target = ParseTarget(request);
  if (!target.ok()) return Recording(kUnmatchedRoute, start, std::move(done))(Problem(400, target.message()));

  RouteMatch match = router_.Find(request.method, request.path);
  // Route patterns live in the router, so the label view stays valid.
  std::string_view label = match.route ? std::string_view(match.route->pattern) : kUnmatchedRoute;
  Done answer = Recording(label, start, std::move(done));

  if (!match.route || !match.route->options.public_route) {
    if (std::optional<Response> refused = CheckAuth(auth_, request)) return answer(std::move(*refused));
  }
  switch (match.kind) {
    case RouteMatch::Kind::kBadPath: return answer(Problem(400, match.error));
    case RouteMatch::Kind::kNotFound: return answer(Problem(404, "no resource at " + request.path));
    case RouteMatch::Kind::kMethodNotAllowed: return answer(MethodNotAllowed(match));
    case RouteMatch::Kind::kFound: break;
  }

  const Route& route = *match.route;
  if (const Handler* handler = std::get_if<Handler>(&route.handler)) {
    std::optional<Response> response;
    try {
      response = (*handler)(request, match.params);
    } catch (const std::exception& e) {
      response = Crashed(route, e.what());
    } catch (...) {
      response = Crashed(route, "unknown exception");
    }
    return answer(std::move(*response));
  }
  // If the handler throws, the Responder it was given answers 500 as it is
  // destroyed (unless the handler had passed it on).
  try {
    std::get<AsyncHandler>(route.handler)(std::move(request), std::move(match.params), Responder(std::move(answer)));
  } catch (const std::exception& e) {
    (void)Crashed(route, e.what());
  } catch (...) {
    (void)Crashed(route, "unknown exception");
  }
}

Response RequestPipeline::HandleNow(Request request) const {
  std::optional<Response> response;
  Handle(std::move(request), [&response](Response r) { response = std::move(r); });
  if (!response) return Problem(500, "the route did not answer inline");
  return std::move(*response);
}

}  // namespace sagad::http
