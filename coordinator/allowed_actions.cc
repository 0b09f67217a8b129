#include "coordinator/allowed_actions.h"

#include <cctype>

#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"

namespace sagad::coordinator {
namespace {

// The probe's time and actor. No operator rule reads the time (they look at
// the state only; the time goes into what an action would emit, which the
// probe discards), so any fixed value gives the same answer as the clock.
constexpr std::int64_t kProbeNowMs = 0;
constexpr char kProbeActor[] = "sagad (which actions apply)";

// The command POST /v1/sagas/{id}/{action} runs for `a` (saga_routes.cc:
// the body's fields, the command type the capitalised action).
Command ProbeCommand(const OperatorAction& a, const char* aggregate_type, const std::string& id) {
  Command c;
  c.command_id = "probe/" + a.action;
  c.target = {aggregate_type, id};
  c.type = a.action;
  c.type[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(c.type[0])));
  c.payload = Json{{"actor", kProbeActor}, {"reason", "probe"}, {"now_ms", kProbeNowMs}};
  if (!a.step.empty()) c.payload["step"] = a.step;
  if (!a.branch.empty()) c.payload["branch"] = a.branch;
  if (a.compensate) c.payload["compensate"] = *a.compensate;
  return c;
}

template <typename State>
std::vector<OperatorAction> Accepted(const AggregateDefinition<State>& type, const StateBox& state,
                                     const char* aggregate_type, const std::string& id,
                                     const std::vector<OperatorAction>& candidates) {
  std::vector<OperatorAction> out;
  for (const OperatorAction& a : candidates) {
    if (type.Decide(state, ProbeCommand(a, aggregate_type, id)).ok()) out.push_back(a);
  }
  return out;
}

}  // namespace

Json OperatorAction::ToJson() const {
  Json j = {{"action", action}};
  if (!step.empty()) j["step"] = step;
  if (!branch.empty()) j["branch"] = branch;
  if (compensate) j["compensate"] = *compensate;
  return j;
}

std::vector<OperatorAction> AllowedActions(const SagaAggregate& saga, const StateBox& state) {
  const SagaState& s = SagaAggregate::Unbox(state);
  // Steps in definition order (what the page lists); without the definition
  // Decide refuses everything anyway.
  std::vector<std::string> steps;
  if (s.definition) {
    for (const dsl::Step& step : s.definition->definition.steps) steps.push_back(step.name);
  } else {
    for (const auto& [name, _] : s.steps) steps.push_back(name);
  }
  std::vector<OperatorAction> candidates;
  candidates.push_back({.action = "retry"});
  for (const std::string& step : steps) candidates.push_back({.action = "retry", .step = step});
  for (const std::string& step : steps) candidates.push_back({.action = "skip", .step = step});
  candidates.push_back({.action = "abort", .compensate = true});
  candidates.push_back({.action = "abort", .compensate = false});
  candidates.push_back({.action = "pause"});
  candidates.push_back({.action = "resume"});
  return Accepted(saga, state, saga::kAggregateType, s.saga_id, candidates);
}

std::vector<OperatorAction> AllowedActions(const TccAggregate& tcc, const StateBox& state) {
  const TccState& s = TccAggregate::Unbox(state);
  std::vector<OperatorAction> candidates;
  candidates.push_back({.action = "retry"});
  if (s.definition) {
    for (const dsl::TccBranch& b : s.definition->definition.branches) {
      candidates.push_back({.action = "retry", .branch = b.name});
    }
  }
  return Accepted(tcc, state, tcc::kAggregateType, s.tcc_id, candidates);
}

Json ActionsJson(const std::vector<OperatorAction>& actions) {
  Json out = Json::array();
  for (const OperatorAction& a : actions) out.push_back(a.ToJson());
  return out;
}

}  // namespace sagad::coordinator
