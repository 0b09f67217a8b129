// The routes every sagad serves for operations:
//   GET /metrics  Prometheus text format (protected when reads are)
//   GET /healthz  200 {"status":"up"} while the process serves requests
//   GET /readyz   200 {"status":"ready"}, or 503 problem+json with the reason
//                 the readiness check gives (store not open, recovery running)
// The probes are public routes: they work without the admin token.
#pragma once

#include <functional>

#include "core/status.h"
#include "http-api/metrics/registry.h"
#include "http-api/router.h"

namespace sagad::http {

// OK when ready; otherwise a status whose message says what is missing.
// Called on an io thread per probe: keep it cheap.
using ReadinessCheck = std::function<Status()>;

// `registry` must outlive the router. No check: always ready.
void AddOpsRoutes(Router& router, metrics::Registry& registry, ReadinessCheck ready = nullptr);

}  // namespace sagad::http
