// The simulated world between the coordinator and its participants: a
// queue of timed happenings (deliveries, replies, starts, crashes, operator
// checks) on the simulated clock, and the transport through which the
// coordinator's engine reaches each participant, with a seeded fate for
// every delivery.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "coordinator/engine.h"
#include "coordinator/transport.h"
#include "tests/simulation/random.h"

namespace sagad::simulation {

// Happenings in time order; equal times in the order they were scheduled.
class EventQueue {
 public:
  void At(std::int64_t at_ms, std::function<void()> what) { queue_.push(Item{at_ms, next_++, std::move(what)}); }
  bool DueBy(std::int64_t now_ms) const { return !queue_.empty() && queue_.top().at_ms <= now_ms; }
  std::optional<std::int64_t> Next() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.top().at_ms;
  }
  // Runs the earliest one.
  void RunNext() {
    std::function<void()> what = std::move(const_cast<Item&>(queue_.top()).what);
    queue_.pop();
    what();
  }
  bool empty() const { return queue_.empty(); }

 private:
  struct Item {
    std::int64_t at_ms;
    std::uint64_t seq;
    std::function<void()> what;
    bool operator>(const Item& o) const { return at_ms != o.at_ms ? at_ms > o.at_ms : seq > o.seq; }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue_;
  std::uint64_t next_ = 0;
};

// How often each fault happens while faults are on (per delivery).
struct FaultRates {
  double fail_before_work = 0.06;  // answered "transient" without delivering
  double drop_command = 0.03;      // never delivered, never answered
  double fail_after_work = 0.08;   // delivered and done, then answered "transient" (a 500 after the work)
  double lose_reply = 0.04;        // delivered and done, never answered
  double duplicate_reply = 0.05;   // answered, and the same answer delivered again later
  double slow_reply = 0.06;        // answered after 1 to 10 s (past most step timeouts)
  double store_failure = 0.03;     // a coordinator store append fails (nothing written)
  double store_lost_outcome = 0.02;  // an append's outcome is lost (written or not: the store cannot say)
};

// One record per command the engine sent: what the checker reads to prove
// that every command sent has its issuing event and that no forward command
// follows its compensation.
struct Sent {
  std::string instance;
  std::string command_id;
  int attempt = 0;
  std::string command_type;
  bool compensation = false;
  std::string forward_command_id;  // for compensations
  std::int64_t at_ms = 0;
  std::uint64_t order = 0;
};

struct World {
  Random* random = nullptr;
  EventQueue* queue = nullptr;
  const Clock* clock = nullptr;
  FaultRates rates;
  bool faults = true;
  // The coordinator incarnation: replies addressed to an earlier one are lost
  // with it.
  std::uint64_t epoch = 0;
  coordinator::Engine* engine = nullptr;
  std::map<std::string, std::string> instance_types;  // instance id -> "Saga" | "Tcc"
  std::vector<Sent> sent;
  std::uint64_t faults_injected = 0;
};

// The engine's transport to one participant: a delay, then the delivery to
// the participant's own transport (in-process, on its runtime), then a delay
// and the reply; with faults drawn from the world's random source.
class SimulatedTransport final : public coordinator::Transport {
 public:
  SimulatedTransport(World* world, coordinator::Transport* participant) : world_(world), participant_(participant) {}
  void Send(const coordinator::OutgoingCommand& command, coordinator::ReplyCallback on_reply) override;

 private:
  std::int64_t Delay(bool slow);
  void Answer(std::uint64_t epoch, std::shared_ptr<coordinator::ReplyCallback> on_reply, coordinator::Reply reply);

  World* world_;
  coordinator::Transport* participant_;
};

}  // namespace sagad::simulation
