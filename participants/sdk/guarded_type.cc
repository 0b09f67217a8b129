#include "participants/sdk/guarded_type.h"

#include <algorithm>

#include "participants/sdk/step_barrier.h"

namespace sagad::participants {
namespace {

struct GuardedState final : StateBox {
  std::unique_ptr<StateBox> inner;
  StepBarrier barrier;
};

const GuardedState& Guarded(const StateBox& box) { return static_cast<const GuardedState&>(box); }
GuardedState& Guarded(StateBox& box) { return static_cast<GuardedState&>(box); }

bool Recorded(const Status& status) {
  return status.Is(StatusCode::kRejected) || status.Is(StatusCode::kFailedPrecondition) ||
         status.Is(StatusCode::kNotFound);
}

class GuardedType final : public AggregateBehavior {
 public:
  GuardedType(std::shared_ptr<const AggregateBehavior> inner, std::vector<std::string> commands)
      : inner_(std::move(inner)), commands_(std::move(commands)) {
    std::sort(commands_.begin(), commands_.end());
  }

  const std::string& type() const override { return inner_->type(); }

  std::unique_ptr<StateBox> NewState() const override {
    auto state = std::make_unique<GuardedState>();
    state->inner = inner_->NewState();
    return state;
  }

  Decision Decide(const StateBox& box, const Command& command) const override {
    const GuardedState& state = Guarded(box);
    StepMarks marks = StepMarks::Of(command.metadata);
    if (std::optional<Decision> at_barrier =
            DecideAtBarrier(state.barrier, marks, Applies(marks, command.target.id), command)) {
      return std::move(*at_barrier);
    }
    Decision decision = inner_->Decide(*state.inner, command);
    if (!decision.ok() && Recorded(decision.status())) return Events{RefusalEvent(command, decision.status())};
    return decision;
  }

  void Evolve(StateBox& box, const Event& event) const override {
    GuardedState& state = Guarded(box);
    EvolveAtBarrier(state.barrier, Applies(StepMarks::Of(event.metadata), event.stream.id), event);
    if (event.type != kCommandRefused && event.type != kCompensatedBeforeForward) inner_->Evolve(*state.inner, event);
  }

  bool SupportsSnapshots() const override { return inner_->SupportsSnapshots(); }

  Json Snapshot(const StateBox& box) const override {
    const GuardedState& state = Guarded(box);
    return Json{{"state", inner_->Snapshot(*state.inner)}, {"step_barrier", state.barrier.ToJson()}};
  }

  // Snapshots written before the barrier existed are the type's own.
  Result<std::unique_ptr<StateBox>> Restore(const Json& snapshot) const override {
    bool guarded = snapshot.is_object() && snapshot.size() == 2 && snapshot.contains("state") &&
                   snapshot.contains("step_barrier");
    Result<std::unique_ptr<StateBox>> inner = inner_->Restore(guarded ? snapshot["state"] : snapshot);
    if (!inner.ok()) return inner.status();
    auto state = std::make_unique<GuardedState>();
    state->inner = std::move(inner).value();
    if (guarded) {
      Result<StepBarrier> barrier = StepBarrier::FromJson(snapshot["step_barrier"]);
      if (!barrier.ok()) return barrier.status();
      state->barrier = std::move(barrier).value();
    }
    return std::unique_ptr<StateBox>(std::move(state));
  }

  bool TracksActivity() const override { return inner_->TracksActivity(); }
  Activity ActivityOf(const StateBox& box) const override { return inner_->ActivityOf(*Guarded(box).inner); }

 private:
  // The compensation undoes a command of this same aggregate.
  bool Applies(const StepMarks& marks, const std::string& target) const {
    return marks.compensates_id && marks.compensates_target == target &&
           std::binary_search(commands_.begin(), commands_.end(), marks.compensates_type);
  }

  std::shared_ptr<const AggregateBehavior> inner_;
  std::vector<std::string> commands_;  // sorted
};

}  // namespace

std::shared_ptr<const AggregateBehavior> GuardParticipantType(std::shared_ptr<const AggregateBehavior> type,
                                                              std::vector<std::string> commands) {
  return std::make_shared<GuardedType>(std::move(type), std::move(commands));
}

const StateBox& InnerState(const StateBox& guarded) { return *Guarded(guarded).inner; }

}  // namespace sagad::participants
