#include "http-api/openapi_route.h"

namespace sagad::http {

void AddOpenApiRoute(Router& router) {
  router.Add(
      Method::kGet, "/v1/openapi.yaml",
      [](const Request&, const PathParams&) { return Response::Text(200, std::string(OpenApiDocument()), kYamlType); },
      RouteOptions{.public_route = true});
}

}  // namespace sagad::http
