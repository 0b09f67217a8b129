#include "participants/sdk/step_barrier.h"

#include "participants/sdk/payload.h"

namespace sagad::participants {

StepMarks StepMarks::Of(const Json& metadata) {
  StepMarks marks;
  if (!metadata.is_object()) return marks;
  auto compensable = metadata.find("compensable");
  marks.compensable = compensable != metadata.end() && compensable->is_boolean() && compensable->get<bool>();
  auto compensates = metadata.find("compensates");
  if (compensates != metadata.end() && compensates->is_object()) {
    std::string id = EventString(*compensates, "command_id");
    if (!id.empty()) {
      marks.compensates_id = std::move(id);
      marks.compensates_type = EventString(*compensates, "command_type");
      marks.compensates_target = EventString(*compensates, "target");
    }
  }
  return marks;
}

std::optional<ForwardPhase> StepBarrier::Find(const std::string& forward_command_id) const {
  auto it = forwards_.find(forward_command_id);
  if (it == forwards_.end()) return std::nullopt;
  return it->second;
}

void StepBarrier::Record(const std::string& forward_command_id, ForwardPhase phase) {
  forwards_[forward_command_id] = phase;
}

Json StepBarrier::ToJson() const {
  Json j = Json::object();
  for (const auto& [id, phase] : forwards_) j[id] = static_cast<int>(phase);
  return j;
}

Result<StepBarrier> StepBarrier::FromJson(const Json& json) {
  if (!json.is_object()) return Status::Corruption("step barrier: not an object");
  StepBarrier barrier;
  for (const auto& [id, phase] : json.items()) {
    int value = phase.is_number_integer() ? phase.get<int>() : -1;
    if (value < 0 || value > static_cast<int>(ForwardPhase::kCompensatedBeforeItRan)) {
      return Status::Corruption("step barrier: command " + id + " has an unknown phase " + phase.dump());
    }
    barrier.forwards_[id] = static_cast<ForwardPhase>(value);
  }
  return barrier;
}

std::optional<Decision> DecideAtBarrier(const StepBarrier& barrier, const StepMarks& marks, bool barrier_applies,
                                        const Command& command) {
  if (marks.compensates_id && barrier_applies) {
    std::optional<ForwardPhase> phase = barrier.Find(*marks.compensates_id);
    if (!phase) {
      return Decision(Events{{kCompensatedBeforeForward,
                              Json{{"forward_command_id", *marks.compensates_id},
                                   {"forward_command_type", marks.compensates_type}}}});
    }
    if (*phase != ForwardPhase::kRan) return Decision(Events{});  // nothing (more) to undo
    return std::nullopt;
  }
  if (marks.compensable && barrier.Find(command.command_id) == ForwardPhase::kCompensatedBeforeItRan) {
    return Decision(Events{RefusalEvent(
        command, Status::Rejected(command.type + " refused: the saga compensated it before it arrived"))});
  }
  return std::nullopt;
}

void EvolveAtBarrier(StepBarrier& barrier, bool barrier_applies, const Event& event) {
  StepMarks marks = StepMarks::Of(event.metadata);
  if (marks.compensates_id) {
    if (!barrier_applies) return;
    barrier.Record(*marks.compensates_id, event.type == kCompensatedBeforeForward
                                              ? ForwardPhase::kCompensatedBeforeItRan
                                              : ForwardPhase::kCompensated);
    return;
  }
  if (!marks.compensable) return;
  // A forward command refused for arriving after its compensation keeps the
  // tombstone; any other refusal or success is its outcome.
  if (barrier.Find(event.command_id) == ForwardPhase::kCompensatedBeforeItRan) return;
  barrier.Record(event.command_id, event.type == kCommandRefused ? ForwardPhase::kRefused : ForwardPhase::kRan);
}

EventData RefusalEvent(const Command& command, const Status& refusal) {
  return EventData{kCommandRefused, Json{{"command_type", command.type}, {"reason", refusal.message()}}};
}

}  // namespace sagad::participants
