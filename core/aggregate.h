// How an aggregate type is defined: an initial state, Decide, Evolve.
//
//   Decide(state, command) -> events | refusal     reads state, emits events
//   Evolve(state, event)                            the only way state changes
//
// Both are pure: no I/O, no clocks, no randomness. The runtime calls Decide,
// applies the events with Evolve, and persists them; replaying the same
// events always rebuilds the same state.
//
// A type is written as data plus functions, one handler per command type and
// one applier per event type:
//
//   AggregateDefinition<Stock> stock("StockItem");
//   stock.Handle("Reserve", [](const Stock& s, const Command& c) -> Decision {
//          if (s.available < qty(c)) return Status::Rejected("insufficient stock");
//          return Events{{"StockReserved", {{"qty", qty(c)}}}};
//        })
//        .Apply("StockReserved", [](Stock& s, const Event& e) { s.available -= ...; });
#pragma once

#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad {

using Events = std::vector<EventData>;
using Decision = Result<Events>;

// Type-erased state held by the runtime. Each aggregate type stores its own
// State inside.
class StateBox {
 public:
  virtual ~StateBox() = default;
};

template <typename State>
class TypedStateBox final : public StateBox {
 public:
  explicit TypedStateBox(State s) : value(std::move(s)) {}
  State value;
};

// What a long-running aggregate (a process manager such as a saga) still has
// to do, read from its state after each command. The runtime writes `active`
// into the store's index of active streams in the same transaction as the
// events (EventStore::ListActive: what to resume after a restart, without
// reading every event), and hands the whole Activity back with the command's
// result, so a dispatcher can arm a timer without reading the state.
struct Activity {
  bool active = false;                     // has work pending: resume it after a restart
  std::optional<std::int64_t> wake_at_ms;  // when it wants its timer command

  bool operator==(const Activity&) const = default;
};

// What the runtime needs from an aggregate type. Users write an
// AggregateDefinition<State> instead of implementing this by hand.
class AggregateBehavior {
 public:
  virtual ~AggregateBehavior() = default;
  virtual const std::string& type() const = 0;
  virtual std::unique_ptr<StateBox> NewState() const = 0;
  virtual Decision Decide(const StateBox& state, const Command& command) const = 0;
  virtual void Evolve(StateBox& state, const Event& event) const = 0;
  // Snapshots are optional: a type without them is rebuilt from its events.
  virtual bool SupportsSnapshots() const = 0;
  virtual Json Snapshot(const StateBox& state) const = 0;
  virtual Result<std::unique_ptr<StateBox>> Restore(const Json& snapshot) const = 0;
  // Activity is optional too: most aggregates (orders, accounts) never wait
  // for anything and are not tracked.
  virtual bool TracksActivity() const { return false; }
  virtual Activity ActivityOf(const StateBox&) const { return {}; }
};

template <typename State>
class AggregateDefinition final : public AggregateBehavior {
 public:
  using Handler = std::function<Decision(const State&, const Command&)>;
  using Applier = std::function<void(State&, const Event&)>;
  using ToSnapshot = std::function<Json(const State&)>;
  using FromSnapshot = std::function<Result<State>(const Json&)>;
  using ActivityFn = std::function<Activity(const State&)>;

  explicit AggregateDefinition(std::string type, State initial = State{})
      : type_(std::move(type)), initial_(std::move(initial)) {}

  AggregateDefinition& Handle(std::string command_type, Handler handler) {
    handlers_[std::move(command_type)] = std::move(handler);
    return *this;
  }
  AggregateDefinition& Apply(std::string event_type, Applier applier) {
    appliers_[std::move(event_type)] = std::move(applier);
    return *this;
  }
  AggregateDefinition& Snapshots(ToSnapshot to, FromSnapshot from) {
    to_snapshot_ = std::move(to);
    from_snapshot_ = std::move(from);
    return *this;
  }

  // Declares the type long-running: see Activity.
  AggregateDefinition& TracksActivity(ActivityFn activity) {
    activity_ = std::move(activity);
    return *this;
  }

  const std::string& type() const override { return type_; }

  std::unique_ptr<StateBox> NewState() const override {
    return std::make_unique<TypedStateBox<State>>(initial_);
  }

  Decision Decide(const StateBox& state, const Command& command) const override {
    auto it = handlers_.find(command.type);
    if (it == handlers_.end()) {
      return Status::InvalidArgument("aggregate type " + type_ + " has no handler for command " +
                                     command.type);
    }
    return it->second(Unbox(state), command);
  }

  // Events without an applier leave the state as it is (they record
  // something that needs no state, e.g. a rejection).
  void Evolve(StateBox& state, const Event& event) const override {
    auto it = appliers_.find(event.type);
    if (it != appliers_.end()) it->second(Unbox(state), event);
  }

  bool SupportsSnapshots() const override { return to_snapshot_ != nullptr; }
  Json Snapshot(const StateBox& state) const override { return to_snapshot_(Unbox(state)); }
  // A type that takes no snapshots may still meet one: written while it
  // took them, or by another program. Refused like an unusable one (the
  // loader replays the events instead), not called through an empty function.
  Result<std::unique_ptr<StateBox>> Restore(const Json& snapshot) const override {
    if (!from_snapshot_) return Status::Corruption("aggregate type " + type_ + " takes no snapshots");
    // A decoder that reads a field of the wrong type or range throws
    // (get<T>(), IntegerOf): that snapshot is as unusable as one it refuses.
    std::optional<Result<State>> decoded;
    try {
      decoded.emplace(from_snapshot_(snapshot));
    } catch (const Json::exception& e) {
      return Status::Corruption("snapshot of " + type_ + " is unusable: " + e.what());
    }
    Result<State>& state = *decoded;
    if (!state.ok()) return state.status();
    return std::unique_ptr<StateBox>(std::make_unique<TypedStateBox<State>>(std::move(state).value()));
  }
  bool TracksActivity() const override { return activity_ != nullptr; }
  Activity ActivityOf(const StateBox& state) const override {
    return activity_ ? activity_(Unbox(state)) : Activity{};
  }

  // Typed helpers for tests and in-process callers.
  static const State& Unbox(const StateBox& s) { return static_cast<const TypedStateBox<State>&>(s).value; }
  static State& Unbox(StateBox& s) { return static_cast<TypedStateBox<State>&>(s).value; }

 private:
  std::string type_;
  State initial_;
  std::unordered_map<std::string, Handler> handlers_;
  std::unordered_map<std::string, Applier> appliers_;
  ToSnapshot to_snapshot_;
  FromSnapshot from_snapshot_;
  ActivityFn activity_;
};

// The aggregate types one runtime serves, by type name.
class AggregateRegistry {
 public:
  // InvalidArgument if the type name is already registered.
  Status Register(std::shared_ptr<const AggregateBehavior> behavior);
  const AggregateBehavior* Find(const std::string& type) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, std::shared_ptr<const AggregateBehavior>> types_;
};

}  // namespace sagad
