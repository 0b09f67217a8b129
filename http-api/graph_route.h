// GET /v1/definitions/{name}/graph?format=dot|mermaid|json&version=N
//
// A definition's graph (saga-dsl/graph.h): DOT for Graphviz, Mermaid for
// Markdown, or JSON for clients that draw it themselves (the dashboard):
//   saga: {name, version, kind:"saga", steps:[{name, after:[...], send, compensate?}],
//          on_completed?, on_compensated?}
//   tcc:  {name, version, kind:"tcc", branches:[{name, try, confirm, cancel}]}
// Commands are "participant.Command". Without `version`, the latest version.
// Default format: dot.
#pragma once

#include "coordinator/definition_catalog.h"
#include "http-api/router.h"

namespace sagad::http {

// `catalog` must outlive the router.
void AddGraphRoute(Router& router, const coordinator::DefinitionCatalog* catalog);

}  // namespace sagad::http
