// GET /v1/sagas/stats?definition=NAME -> {"counts": {"RUNNING": n, ...}, "total": n}
//
// How many saga instances are in each status, optionally for one definition:
// the dashboard's filter buttons show these. Every status is present (0 when
// none), so a client can draw a fixed set of buttons. It reads every saga's
// state, like an unfiltered walk of GET /v1/sagas does: fine for a dashboard
// refreshing every few seconds over thousands of sagas, not for millions.
#pragma once

#include "http-api/router.h"
#include "http-api/saga_routes.h"

namespace sagad::http {

// `api.store` and `api.catalog` must outlive the router.
void AddStatsRoute(Router& router, const SagaApi& api);

}  // namespace sagad::http
