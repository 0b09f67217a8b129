// The dependency graph of a saga's steps: which step waits for which, and
// which steps are guaranteed to have completed before another starts.
// Used by the checker (references, cycles, warnings) and the graph export
// (compensation edges).
#pragma once

#include <vector>

#include "saga-dsl/ast.h"

namespace sagad::dsl {

class StepGraph {
 public:
  explicit StepGraph(const Definition& definition);

  // Indexes (into Definition::steps) of the steps `step` waits for. Names in
  // `after` that match no step are left out (the checker reports them).
  const std::vector<int>& parents(int step) const { return parents_[step]; }
  // Each cycle as step indexes, s0 after s1 after ... after s0.
  const std::vector<std::vector<int>>& cycles() const { return cycles_; }
  bool has_cycle() const { return !cycles_.empty(); }
  // True when `ancestor` completes before `step` starts on every run.
  // Meaningless (false) when the graph has a cycle.
  bool IsAncestor(int step, int ancestor) const;
  // Steps in an order where every step comes after its parents (empty
  // when the graph has a cycle).
  const std::vector<int>& topological_order() const { return order_; }

 private:
  void FindCyclesAndOrder();
  void ComputeAncestors();

  std::vector<std::vector<int>> parents_;
  std::vector<std::vector<int>> cycles_;
  std::vector<int> order_;
  std::vector<std::vector<bool>> ancestors_;
};

}  // namespace sagad::dsl
