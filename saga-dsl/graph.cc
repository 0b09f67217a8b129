#include "saga-dsl/graph.h"

#include "saga-dsl/graph_model.h"

namespace sagad::dsl {
namespace {

std::string DotQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string DotLabel(const std::vector<std::string>& lines) {
  std::string joined;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string quoted = DotQuote(lines[i]);
    joined += (i > 0 ? "\\n" : "") + quoted.substr(1, quoted.size() - 2);
  }
  return "\"" + joined + "\"";
}

std::string DotNodeAttributes(NodeShape shape) {
  switch (shape) {
    case NodeShape::kTerminal: return "shape=oval";
    case NodeShape::kAction: return "shape=box";
    case NodeShape::kCompensation: return "shape=box, style=dashed";
    case NodeShape::kDecision: return "shape=diamond";
  }
  return "shape=box";
}

// Mermaid labels sit inside "..."; entity codes keep quotes and angle
// brackets from ending the label or being read as HTML.
std::string MermaidText(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MermaidNode(const GraphNode& node) {
  std::string label;
  for (const std::string& line : node.label_lines) label += (label.empty() ? "" : "<br/>") + MermaidText(line);
  label = "\"" + label + "\"";
  switch (node.shape) {
    case NodeShape::kTerminal: return node.id + "([" + label + "])";
    case NodeShape::kDecision: return node.id + "{" + label + "}";
    default: return node.id + "[" + label + "]";
  }
}

}  // namespace

std::string ToDot(const Definition& definition) {
  Graph graph = BuildGraph(definition);
  std::string out = "digraph " + DotQuote(definition.name) + " {\n";
  out += "  label=" + DotQuote(graph.title) + ";\n";
  out += "  labelloc=t;\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const GraphNode& node : graph.nodes) {
    out += "  " + node.id + " [" + DotNodeAttributes(node.shape) + ", label=" + DotLabel(node.label_lines) + "];\n";
  }
  for (const GraphEdge& edge : graph.edges) {
    std::string attributes;
    if (edge.style == EdgeStyle::kCompensation) attributes = "style=dashed";
    if (!edge.label.empty()) attributes += (attributes.empty() ? "" : ", ") + std::string("label=") + DotQuote(edge.label);
    out += "  " + edge.from + " -> " + edge.to + (attributes.empty() ? "" : " [" + attributes + "]") + ";\n";
  }
  return out + "}\n";
}

std::string ToMermaid(const Definition& definition) {
  Graph graph = BuildGraph(definition);
  std::string out = "%% " + graph.title + "\nflowchart TD\n";
  std::string compensation_nodes;
  for (const GraphNode& node : graph.nodes) {
    out += "  " + MermaidNode(node) + "\n";
    if (node.shape == NodeShape::kCompensation) {
      compensation_nodes += (compensation_nodes.empty() ? "" : ",") + node.id;
    }
  }
  for (const GraphEdge& edge : graph.edges) {
    std::string arrow = edge.style == EdgeStyle::kCompensation ? " -.->" : " -->";
    if (!edge.label.empty()) arrow += "|\"" + MermaidText(edge.label) + "\"|";
    out += "  " + edge.from + arrow + " " + edge.to + "\n";
  }
  if (!compensation_nodes.empty()) {
    out += "  classDef compensation stroke-dasharray: 5 5\n";
    out += "  class " + compensation_nodes + " compensation\n";
  }
  return out;
}

std::string ExportGraph(const Definition& definition, GraphFormat format) {
  return format == GraphFormat::kDot ? ToDot(definition) : ToMermaid(definition);
}

}  // namespace sagad::dsl
