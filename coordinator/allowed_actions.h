// Which operator actions an instance's current state would accept, found by
// asking the aggregate's own Decide for each candidate (Retry and Skip of
// each step and without one, Abort with and without compensation, Pause,
// Resume; for a tcc, Retry of each branch and of all) and keeping those it
// does not refuse. The API lists them with the instance (GET
// /v1/sagas/{id}: "actions") and the dashboard offers exactly those, so it
// can never offer what the API would answer 409, and it follows the rules
// in saga_decide.cc / tcc_decide.cc as they change, with nothing to keep in
// step by hand.
//
// Safe because Decide is pure: it returns the events it would emit and the
// probe throws them away; nothing is appended, sent or scheduled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/saga_decide.h"
#include "coordinator/tcc_state.h"
#include "core/aggregate.h"
#include "core/json.h"

namespace sagad::coordinator {

// One action as the API takes it: POST /v1/sagas/{id}/{action} with these
// fields in the body (plus the operator's reason).
struct OperatorAction {
  std::string action;              // "retry", "skip", "abort", "pause", "resume"
  std::string step;                // saga retry/skip: the step it names; "" = none (retry: sagad picks the stuck ones)
  std::string branch;              // tcc retry: the branch it names; "" = every stuck branch
  std::optional<bool> compensate;  // abort: undo what was done first (true), or end as it stands (false)

  // {"action":"retry","step":"charge_payment"}, {"action":"abort","compensate":false}
  Json ToJson() const;
  bool operator==(const OperatorAction&) const = default;
};

// `state` must be a box of `saga` (a SagaState) or of `tcc` (a TccState).
// The order is stable: by action, then step (definition order) or branch.
std::vector<OperatorAction> AllowedActions(const SagaAggregate& saga, const StateBox& state);
std::vector<OperatorAction> AllowedActions(const TccAggregate& tcc, const StateBox& state);

Json ActionsJson(const std::vector<OperatorAction>& actions);

}  // namespace sagad::coordinator
