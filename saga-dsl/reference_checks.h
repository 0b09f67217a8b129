// Checks of `$.path` references: each must name data that is guaranteed to
// exist where the expression is evaluated. Internal to the checker.
#pragma once

#include "saga-dsl/ast.h"
#include "saga-dsl/diagnostic.h"
#include "saga-dsl/step_graph.h"

namespace sagad::dsl {

// `graph` must be free of cycles.
void CheckReferences(const Definition& definition, const StepGraph& graph, DiagnosticSink& sink);

}  // namespace sagad::dsl
