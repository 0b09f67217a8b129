// A definition as a drawing-neutral graph of nodes and edges. The DOT and
// Mermaid writers (graph.h) only render it, so both show the same thing.
// Internal to saga-dsl.
#pragma once

#include <string>
#include <vector>

#include "saga-dsl/ast.h"

namespace sagad::dsl {

enum class NodeShape {
  kTerminal,      // start trigger, completed, compensated
  kAction,        // a step, or a tcc branch's try / confirm
  kCompensation,  // a compensation, or a tcc cancel
  kDecision,      // tcc: did every try succeed?
};

struct GraphNode {
  std::string id;  // safe in DOT and Mermaid: [a-z_0-9]
  std::vector<std::string> label_lines;
  NodeShape shape = NodeShape::kAction;
};

enum class EdgeStyle {
  kFlow,          // runs next on success
  kCompensation,  // the undo / cancel path
};

struct GraphEdge {
  std::string from;
  std::string to;
  EdgeStyle style = EdgeStyle::kFlow;
  std::string label;
};

struct Graph {
  std::string title;  // "saga PlaceOrder v1"
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
};

// `definition` must have compiled without errors (no cycles).
Graph BuildGraph(const Definition& definition);

}  // namespace sagad::dsl
