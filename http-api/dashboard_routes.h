// The dashboard (issue #7): a small page over the REST API, served by sagad.
//
//   GET /                   index.html
//   GET /dashboard/{file}   its scripts and stylesheet (dashboard_files.h)
//
// The files are public routes: they hold no data, and a page that loads
// without the admin token can then ask the operator for it. Every API call
// the page makes goes through the usual auth.
#pragma once

#include "http-api/router.h"
#include "http-api/saga_routes.h"

namespace sagad::http {

// The static files only.
void AddDashboardRoutes(Router& router);

// The static files plus the read routes the page needs beyond
// AddSagaRoutes: GET /v1/sagas/stats (stats_route.h) and
// GET /v1/definitions/{name}/graph (graph_route.h). What sagad registers.
void AddDashboardRoutes(Router& router, const SagaApi& api);

}  // namespace sagad::http
