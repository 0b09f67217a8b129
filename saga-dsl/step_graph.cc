#include "saga-dsl/step_graph.h"

#include <map>
#include <string_view>

namespace sagad::dsl {

StepGraph::StepGraph(const Definition& definition) : parents_(definition.steps.size()) {
  std::map<std::string_view, int> index;
  for (std::size_t i = 0; i < definition.steps.size(); ++i) {
    index.emplace(definition.steps[i].name, static_cast<int>(i));  // first wins on duplicates
  }
  for (std::size_t i = 0; i < definition.steps.size(); ++i) {
    for (const std::string& name : definition.steps[i].after) {
      auto it = index.find(name);
      if (it != index.end()) parents_[i].push_back(it->second);
    }
  }
  FindCyclesAndOrder();
  // The ancestor table is quadratic: only built within the step limit (the
  // checker refuses larger definitions anyway).
  if (!has_cycle() && definition.steps.size() <= static_cast<std::size_t>(kMaxStepsPerDefinition)) {
    ComputeAncestors();
  }
}

bool StepGraph::IsAncestor(int step, int ancestor) const {
  return !ancestors_.empty() && ancestors_[step][ancestor];
}

void StepGraph::FindCyclesAndOrder() {
  // Iterative depth-first search over parents: a definition may have many
  // steps, and recursion depth must not depend on the input.
  enum class Color { kWhite, kGray, kBlack };
  std::vector<Color> color(parents_.size(), Color::kWhite);
  struct Frame {
    int step;
    std::size_t next_parent;
  };
  for (std::size_t root = 0; root < parents_.size(); ++root) {
    if (color[root] != Color::kWhite) continue;
    std::vector<Frame> stack{{static_cast<int>(root), 0}};
    color[root] = Color::kGray;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next_parent == parents_[frame.step].size()) {
        color[frame.step] = Color::kBlack;
        order_.push_back(frame.step);
        stack.pop_back();
        continue;
      }
      int parent = parents_[frame.step][frame.next_parent++];
      if (color[parent] == Color::kWhite) {
        color[parent] = Color::kGray;
        stack.push_back({parent, 0});
      } else if (color[parent] == Color::kGray) {
        std::vector<int> cycle;
        std::size_t at = stack.size();
        while (at > 0 && stack[at - 1].step != parent) --at;
        for (std::size_t i = at - 1; i < stack.size(); ++i) cycle.push_back(stack[i].step);
        cycles_.push_back(std::move(cycle));
      }
    }
  }
  if (has_cycle()) order_.clear();
}

void StepGraph::ComputeAncestors() {
  std::size_t n = parents_.size();
  ancestors_.assign(n, std::vector<bool>(n, false));
  for (int step : order_) {  // parents first
    for (int parent : parents_[step]) {
      ancestors_[step][parent] = true;
      for (std::size_t i = 0; i < n; ++i) {
        if (ancestors_[parent][i]) ancestors_[step][i] = true;
      }
    }
  }
}

}  // namespace sagad::dsl
