#include "http-api/ops_routes.h"

#include "http-api/metrics/text_format.h"
#include "http-api/problem.h"

namespace sagad::http {

void AddOpsRoutes(Router& router, metrics::Registry& registry, ReadinessCheck ready) {
  router.Add(Method::kGet, "/metrics", [&registry](const Request&, const PathParams&) {
    return Response::Text(200, registry.Render(), metrics::kTextContentType);
  });
  router.Add(
      Method::kGet, "/healthz",
      [](const Request&, const PathParams&) { return Response::Json(200, Json{{"status", "up"}}); },
      RouteOptions{.public_route = true});
  router.Add(
      Method::kGet, "/readyz",
      [ready = std::move(ready)](const Request&, const PathParams&) {
        Status status = ready ? ready() : Status::Ok();
        if (status.ok()) return Response::Json(200, Json{{"status", "ready"}});
        return Problem(503, "not ready: " + status.message());
      },
      RouteOptions{.public_route = true});
}

}  // namespace sagad::http
