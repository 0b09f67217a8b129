#include "coordinator/instance_view.h"

namespace sagad::coordinator {
namespace {

Json Origin(const InstanceOrigin& o, const std::string& id, const char* kind, std::int64_t version) {
  return Json{{"id", id},
              {"kind", kind},
              {"definition", {{"name", o.definition_name}, {"version", o.definition_version}, {"hash", o.definition_hash}}},
              {"key", o.key},
              {"version", version},
              {"started_ms", o.started_ms}};
}

Json ActionView(const TccAction& a) {
  Json v = {{"attempts", a.attempts}, {"done", a.done}, {"stuck", a.stuck}, {"retry_waiting", a.retry_waiting}};
  if (!a.last_error.empty()) v["last_error"] = a.last_error;
  if (a.outstanding) v["outstanding"] = a.outstanding->command_id;
  return v;
}

}  // namespace

Json SagaView(const SagaState& s, std::int64_t version) {
  Json view = Origin(s, s.saga_id, "saga", version);
  view["status"] = std::string(SagaStatusName(s.status()));
  view["finished_ms"] = s.finished_ms;
  if (!s.stuck_reason.empty()) view["stuck_reason"] = s.stuck_reason;
  if (s.context.contains("failure")) view["failure"] = s.context["failure"];
  // The operator's word, shown beside the final status: a step skipped while
  // in doubt was not proven absent by the coordinator.
  if (!s.operator_skips.empty()) {
    Json skips = Json::array();
    for (const OperatorSkip& k : s.operator_skips) {
      skips.push_back(Json{{"step", k.step}, {"phase", k.phase}, {"in_doubt", k.in_doubt}, {"actor", k.actor},
                           {"reason", k.reason}, {"at_ms", k.at_ms}});
    }
    view["operator_skips"] = std::move(skips);
  }
  Json steps = Json::array();
  auto add = [&](const std::string& name) {
    const StepState* st = s.step(name);
    if (!st) return;
    Json step = {{"name", name},
                 {"status", std::string(StepStatusName(st->status))},
                 {"attempts", st->attempts},
                 {"compensation_attempts", st->compensation_attempts},
                 {"started_ms", st->started_ms},
                 {"finished_ms", st->finished_ms}};
    if (!st->last_error.empty()) step["last_error"] = st->last_error;
    if (st->outstanding) step["outstanding"] = st->outstanding->command_id;
    if (st->retry_at_ms) step["retry_at_ms"] = st->retry_at_ms;
    steps.push_back(std::move(step));
  };
  if (s.definition) {
    for (const dsl::Step& step : s.definition->definition.steps) add(step.name);
  } else {
    for (const auto& [name, _] : s.steps) add(name);
  }
  view["steps"] = std::move(steps);
  view["context"] = s.context;
  return view;
}

Json TccView(const TccState& s, std::int64_t version) {
  Json view = Origin(s, s.tcc_id, "tcc", version);
  view["status"] = std::string(TccStatusName(s.status()));
  view["decision"] = s.decision == TccState::Decision::kConfirm  ? "confirm"
                     : s.decision == TccState::Decision::kCancel ? "cancel"
                                                                 : "none";
  view["deadline_ms"] = s.deadline_ms;
  view["finished_ms"] = s.finished_ms;
  if (!s.reason.empty()) view["reason"] = s.reason;
  Json branches = Json::array();
  for (const auto& [name, b] : s.branches) {
    branches.push_back(Json{{"name", name},
                            {"try", ActionView(b.try_action)},
                            {"confirm", ActionView(b.confirm)},
                            {"cancel", ActionView(b.cancel)}});
  }
  view["branches"] = std::move(branches);
  view["context"] = s.context;
  return view;
}

}  // namespace sagad::coordinator
