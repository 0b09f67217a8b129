#include "tests/simulation/sim_network.h"

namespace sagad::simulation {

using coordinator::OutgoingCommand;
using coordinator::ReplyCallback;
using Outcome = coordinator::Reply::Outcome;

std::int64_t SimulatedTransport::Delay(bool slow) {
  if (slow) return world_->random->Between(1'000, 10'000);
  // Mostly quick, sometimes a few hundred ms: replies overtake each other.
  return world_->random->Chance(0.9) ? world_->random->Between(1, 30) : world_->random->Between(30, 800);
}

void SimulatedTransport::Send(const OutgoingCommand& command, ReplyCallback on_reply) {
  World& w = *world_;
  Sent record{command.correlation_id, command.command_id,  command.attempt, command.command_type,
              command.compensates.has_value(), command.compensates ? command.compensates->command_id : "",
              w.clock->NowMs(),             w.sent.size()};
  w.sent.push_back(std::move(record));

  std::uint64_t epoch = w.epoch;
  auto reply_to = std::make_shared<ReplyCallback>(std::move(on_reply));
  const FaultRates& f = w.rates;
  bool faults = w.faults;
  Random& r = *w.random;
  std::int64_t now = w.clock->NowMs();
  if (faults && r.Chance(f.fail_before_work)) {
    w.faults_injected++;
    coordinator::Reply transient{Outcome::kTransient, "", Json::object(), "simulated: failed before doing the work"};
    w.queue->At(now + Delay(false), [this, epoch, reply_to, transient] { Answer(epoch, reply_to, transient); });
    return;
  }
  if (faults && r.Chance(f.drop_command)) {
    w.faults_injected++;
    return;  // lost on the way: never delivered, never answered
  }
  w.queue->At(now + Delay(false), [this, epoch, command, reply_to] {
    participant_->Send(command, [this, epoch, command, reply_to](coordinator::Reply answer) {
      World& w = *world_;
      Random& r = *w.random;
      const FaultRates& f = w.rates;
      std::int64_t now = w.clock->NowMs();
      if (w.faults && r.Chance(f.lose_reply)) {
        w.faults_injected++;
        return;
      }
      if (w.faults && r.Chance(f.fail_after_work)) {
        w.faults_injected++;
        answer = coordinator::Reply{Outcome::kTransient, "", Json::object(), "simulated: HTTP 500 after the work was done"};
      }
      bool slow = w.faults && r.Chance(f.slow_reply);
      bool twice = w.faults && r.Chance(f.duplicate_reply);
      if (slow || twice) w.faults_injected++;
      w.queue->At(now + Delay(slow), [this, epoch, reply_to, answer] { Answer(epoch, reply_to, answer); });
      if (twice) {
        w.queue->At(now + Delay(w.random->Chance(0.5)), [this, epoch, command, answer] {
          World& w = *world_;
          if (w.epoch != epoch || !w.engine) return;
          auto type = w.instance_types.find(command.correlation_id);
          if (type == w.instance_types.end()) return;
          w.engine->DeliverReply(StreamId{type->second, command.correlation_id}, command.command_id, command.attempt,
                                 answer);
        });
      }
    });
  });
}

// The reply reaches the coordinator only if it is still the incarnation
// that sent the command; one that crashed since has lost the connection.
void SimulatedTransport::Answer(std::uint64_t epoch, std::shared_ptr<ReplyCallback> on_reply,
                                coordinator::Reply reply) {
  if (world_->epoch != epoch || !*on_reply) return;
  ReplyCallback call = std::move(*on_reply);
  *on_reply = nullptr;
  call(std::move(reply));
}

}  // namespace sagad::simulation
