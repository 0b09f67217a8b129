// The fixed, valid histories the coordinator fuzzers start from: saga and
// tcc instances of the test definitions (coordinator_test_support.h) driven
// by real commands into each kind of state a fuzzed command or snapshot may
// meet (new, running, retrying, parallel steps, compensating, stuck, paused,
// finished), and what the fuzzers do with a state they reach.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "coordinator/coordinator_test_support.h"
#include "coordinator/instance_view.h"
#include "core/fuzz/check.h"

namespace sagad::coordinator::fuzz {

using namespace coordinator::testing;  // NOLINT: the test support's builders
using sagad::fuzz::Check;

// One instance's aggregate type and its state after a history.
struct Start {
  std::shared_ptr<const AggregateBehavior> behavior;
  std::string id;
  std::shared_ptr<const StateBox> state;
  std::int64_t version = 0;
};

class Histories {
 public:
  Histories() {
    auto saga = std::shared_ptr<const AggregateBehavior>(MakeSagaAggregate(catalog_.get()));
    auto tcc = std::shared_ptr<const AggregateBehavior>(MakeTccAggregate(catalog_.get()));
    Saga(saga, "new", {});
    Saga(saga, "started", {StartSaga("PlaceOrder", OrderInput())});
    Saga(saga, "charging", {StartSaga("PlaceOrder", OrderInput()), Success(DoId("reserve_stock"), kT0 + 1)});
    Saga(saga, "retrying", {StartSaga("PlaceOrder", OrderInput()), Transient(DoId("reserve_stock"), kT0 + 1)});
    Saga(saga, "compensating", {StartSaga("PlaceOrder", OrderInput()), Success(DoId("reserve_stock"), kT0 + 1),
                                Failure(DoId("charge_payment"), kT0 + 2)});
    Saga(saga, "stuck", {StartSaga("PlaceOrder", OrderInput()), Success(DoId("reserve_stock"), kT0 + 1),
                         Failure(DoId("charge_payment"), kT0 + 2), Failure(UndoId("reserve_stock"), kT0 + 3)});
    Saga(saga, "paused", {StartSaga("PlaceOrder", OrderInput()), Operator(saga::kPause, kT0 + 1)});
    Saga(saga, "completed",
         {StartSaga("PlaceOrder", OrderInput()), Success(DoId("reserve_stock"), kT0 + 1),
          Success(DoId("charge_payment"), kT0 + 2, Json{{"payment_id", "p-1"}}), Success(DoId("approve_order"), kT0 + 3)});
    Saga(saga, "parallel", {StartSaga("Shipping", Json{{"order_id", "o-1"}}), Success(DoId("pick"), kT0 + 1)});
    Json transfer = {{"transfer_id", "t-1"}, {"from", "acc-a"}, {"to", "acc-b"}, {"amount", 5}};
    Tcc(tcc, "tcc_new", {});
    Tcc(tcc, "trying", {StartTcc(transfer)});
    Tcc(tcc, "confirming",
        {StartTcc(transfer), Success("t-1/debit/try", kT0 + 1), Success("t-1/credit/try", kT0 + 2)});
    Tcc(tcc, "cancelling", {StartTcc(transfer), Failure("t-1/debit/try", kT0 + 1)});
    Tcc(tcc, "confirmed",
        {StartTcc(transfer), Success("t-1/debit/try", kT0 + 1), Success("t-1/credit/try", kT0 + 2),
         Success("t-1/debit/confirm", kT0 + 3), Success("t-1/credit/confirm", kT0 + 4)});
  }

  const DefinitionCatalog* catalog() const { return catalog_.get(); }
  // nullptr for an unknown name.
  const Start* Find(const std::string& name) const {
    auto it = starts_.find(name);
    return it == starts_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, Start>& all() const { return starts_; }

 private:
  template <typename State>
  void Add(const std::shared_ptr<const AggregateBehavior>& behavior, const std::string& name, const std::string& id,
           std::initializer_list<Command> commands) {
    Instance<State> instance(behavior, id);
    for (const Command& c : commands) Check(!instance.Do(c).empty(), "every command of a fixed history is accepted");
    starts_[name] = Start{behavior, id, std::make_shared<TypedStateBox<State>>(instance.state()),
                          static_cast<std::int64_t>(instance.history().size())};
  }
  void Saga(const std::shared_ptr<const AggregateBehavior>& b, const std::string& name,
            std::initializer_list<Command> commands) {
    Add<SagaState>(b, name, "o-1", commands);
  }
  void Tcc(const std::shared_ptr<const AggregateBehavior>& b, const std::string& name,
           std::initializer_list<Command> commands) {
    Add<TccState>(b, name, "t-1", commands);
  }

  std::shared_ptr<DefinitionCatalog> catalog_ = TestCatalog();
  std::map<std::string, Start> starts_;
};

// A copy of a saga or tcc state box (the runtime's own copy is its cache entry).
inline std::unique_ptr<StateBox> CopyState(const AggregateBehavior& behavior, const StateBox& box) {
  if (behavior.type() == saga::kAggregateType) {
    return std::make_unique<TypedStateBox<SagaState>>(SagaAggregate::Unbox(box));
  }
  return std::make_unique<TypedStateBox<TccState>>(TccAggregate::Unbox(box));
}

// What the runtime and the API do with a state the coordinator reached: its
// activity, the commands to resend, the API's view, and its snapshot, which
// must restore to a state that snapshots the same.
inline void UseState(const AggregateBehavior& behavior, const StateBox& box, std::int64_t version) {
  (void)behavior.ActivityOf(box);
  Json snapshot = behavior.Snapshot(box);
  if (behavior.type() == saga::kAggregateType) {
    const SagaState& s = SagaAggregate::Unbox(box);
    (void)OutstandingCommands(s);
    (void)SagaView(s, version);
  } else {
    const TccState& s = TccAggregate::Unbox(box);
    (void)OutstandingCommands(s);
    (void)TccView(s, version);
  }
  Result<std::unique_ptr<StateBox>> restored = behavior.Restore(snapshot);
  Check(restored.ok(), "a snapshot of a reached state restores");
  Check(behavior.Snapshot(**restored) == snapshot, "a restored snapshot snapshots the same");
}

// Decides `command` on `box` and, when it is accepted, applies its events as
// the runtime would (one version each) and uses the new state. Decide must
// be pure (the same decision twice) and refuse with a Status, never with an
// exception or an Internal error. Returns the new version.
inline std::int64_t DecideAndApply(const AggregateBehavior& behavior, StateBox& box, const std::string& id,
                                   std::int64_t version, const Command& command) {
  Decision decision = behavior.Decide(box, command);
  Decision again = behavior.Decide(box, command);
  Check(decision.ok() == again.ok(), "Decide is pure: the same answer twice");
  if (!decision.ok()) {
    Check(decision.status().code() != StatusCode::kInternal, "a refusal is not an Internal error");
    return version;
  }
  Check(AsJson(*decision) == AsJson(*again), "Decide is pure: the same events twice");
  for (const EventData& data : *decision) {
    Event e;
    e.stream = {behavior.type(), id};
    e.version = ++version;
    e.command_id = command.command_id;
    e.type = data.type;
    e.payload = data.payload;
    behavior.Evolve(box, e);
  }
  UseState(behavior, box, version);
  return version;
}

// A command of `type` with `payload` for the instance `id`.
inline Command FuzzCommand(const std::string& type, const std::string& id, const std::string& aggregate_type,
                           Json payload) {
  Command c = Cmd(type, std::move(payload));
  c.target = {aggregate_type, id};
  c.command_id = "fuzz-command";
  return c;
}

}  // namespace sagad::coordinator::fuzz
