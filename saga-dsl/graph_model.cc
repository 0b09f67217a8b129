#include "saga-dsl/graph_model.h"

#include <set>

#include "saga-dsl/step_graph.h"

namespace sagad::dsl {
namespace {

std::string StepId(const std::string& name) { return "step_" + name; }
std::string UndoId(const std::string& name) { return "undo_" + name; }

GraphNode StartNode(const Definition& definition) {
  GraphNode node{"start", {}, NodeShape::kTerminal};
  node.label_lines.push_back("start on " + (definition.start_event ? definition.start_event->ToString() : "api"));
  if (definition.key) node.label_lines.push_back("key " + ExprToString(*definition.key));
  return node;
}

GraphNode EndNode(std::string id, std::string title, const std::optional<CommandSpec>& final_command) {
  GraphNode node{std::move(id), {std::move(title)}, NodeShape::kTerminal};
  if (final_command) node.label_lines.push_back("send " + final_command->command.ToString());
  return node;
}

// The closest ancestors of `step` that have a compensation: where the undo
// path continues after `step` has been undone.
std::vector<int> CompensableAncestors(const Definition& definition, const StepGraph& graph, int step) {
  std::vector<int> found;
  std::set<int> seen;
  std::vector<int> pending = graph.parents(step);
  while (!pending.empty()) {
    int current = pending.back();
    pending.pop_back();
    if (!seen.insert(current).second) continue;
    if (definition.steps[current].compensate) {
      found.push_back(current);
    } else {
      for (int parent : graph.parents(current)) pending.push_back(parent);
    }
  }
  return found;
}

void AddSaga(const Definition& definition, Graph& graph) {
  StepGraph steps(definition);
  std::vector<bool> has_children(definition.steps.size(), false);
  for (std::size_t i = 0; i < definition.steps.size(); ++i) {
    const Step& step = definition.steps[i];
    graph.nodes.push_back({StepId(step.name), {step.name, "send " + step.send.command.ToString()}, NodeShape::kAction});
    if (step.compensate) {
      graph.nodes.push_back({UndoId(step.name),
                             {"undo " + step.name, "send " + step.compensate->command.ToString()},
                             NodeShape::kCompensation});
    }
    if (steps.parents(static_cast<int>(i)).empty()) graph.edges.push_back({"start", StepId(step.name)});
    for (int parent : steps.parents(static_cast<int>(i))) {
      has_children[parent] = true;
      graph.edges.push_back({StepId(definition.steps[parent].name), StepId(step.name)});
    }
  }
  for (std::size_t i = 0; i < definition.steps.size(); ++i) {
    const Step& step = definition.steps[i];
    if (!has_children[i]) graph.edges.push_back({StepId(step.name), "completed"});
    if (!step.compensate) continue;
    graph.edges.push_back({StepId(step.name), UndoId(step.name), EdgeStyle::kCompensation, "undo"});
    std::vector<int> next = CompensableAncestors(definition, steps, static_cast<int>(i));
    if (next.empty()) graph.edges.push_back({UndoId(step.name), "compensated", EdgeStyle::kCompensation});
    for (int ancestor : next) {
      graph.edges.push_back({UndoId(step.name), UndoId(definition.steps[ancestor].name), EdgeStyle::kCompensation});
    }
  }
  graph.nodes.push_back(EndNode("completed", "completed", definition.on_completed));
  graph.nodes.push_back(EndNode("compensated", "compensated", definition.on_compensated));
}

void AddTcc(const Definition& definition, Graph& graph) {
  graph.nodes.push_back({"decide", {"every try succeeded?"}, NodeShape::kDecision});
  std::string cancel_label = "no, or timeout " + FormatDuration(definition.tcc_timeout_ms);
  for (const TccBranch& branch : definition.branches) {
    std::string try_id = "try_" + branch.name;
    std::string confirm_id = "confirm_" + branch.name;
    std::string cancel_id = "cancel_" + branch.name;
    graph.nodes.push_back({try_id, {branch.name + ": try", branch.try_command.command.ToString()}, NodeShape::kAction});
    graph.nodes.push_back(
        {confirm_id, {branch.name + ": confirm", branch.confirm.command.ToString()}, NodeShape::kAction});
    graph.nodes.push_back(
        {cancel_id, {branch.name + ": cancel", branch.cancel.command.ToString()}, NodeShape::kCompensation});
    graph.edges.push_back({"start", try_id});
    graph.edges.push_back({try_id, "decide"});
    graph.edges.push_back({"decide", confirm_id, EdgeStyle::kFlow, "yes"});
    graph.edges.push_back({"decide", cancel_id, EdgeStyle::kCompensation, cancel_label});
    graph.edges.push_back({confirm_id, "completed"});
    graph.edges.push_back({cancel_id, "compensated", EdgeStyle::kCompensation});
  }
  graph.nodes.push_back(EndNode("completed", "confirmed", definition.on_completed));
  graph.nodes.push_back(EndNode("compensated", "cancelled", definition.on_compensated));
}

}  // namespace

Graph BuildGraph(const Definition& definition) {
  Graph graph;
  graph.title = std::string(KindName(definition.kind)) + " " + definition.name + " v" +
                std::to_string(definition.version);
  graph.nodes.push_back(StartNode(definition));
  if (definition.kind == DefinitionKind::kSaga) {
    AddSaga(definition, graph);
  } else {
    AddTcc(definition, graph);
  }
  return graph;
}

}  // namespace sagad::dsl
