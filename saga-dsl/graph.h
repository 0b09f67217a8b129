// Graph export (`sagactl graph`): a saga's step DAG with its compensation
// path, or a tcc's branches with the confirm/cancel decision, from the start
// trigger to the final commands. DOT for Graphviz, Mermaid for Markdown.
#pragma once

#include <string>

#include "saga-dsl/ast.h"

namespace sagad::dsl {

enum class GraphFormat { kDot, kMermaid };

// `definition` must have compiled without errors.
std::string ExportGraph(const Definition& definition, GraphFormat format);
std::string ToDot(const Definition& definition);
std::string ToMermaid(const Definition& definition);

}  // namespace sagad::dsl
