// GET /v1/openapi.yaml: the OpenAPI document of sagad's API (docs/openapi.yaml,
// compiled into the binary at build time, so the server reads no file and
// the document served is the one the tests checked against the routes).
// A public route: tools fetch it without the admin token, and it says
// nothing a client of the API may not know.
#pragma once

#include <string_view>

#include "http-api/router.h"

namespace sagad::http {

inline constexpr std::string_view kYamlType = "application/yaml";

// The document, as docs/openapi.yaml was when sagad was built.
std::string_view OpenApiDocument();

void AddOpenApiRoute(Router& router);

}  // namespace sagad::http
