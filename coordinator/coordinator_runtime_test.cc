// End to end on core's AggregateRuntime: Saga and Tcc aggregates in a
// MemoryEventStore, driven by a tiny in-test dispatcher loop that sends the
// commands CommandsToSend derives from each commit to fake participants and
// feeds their replies back as HandleReply commands.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <set>

#include "coordinator/commands_to_send.h"
#include "coordinator/coordinator_test_support.h"
#include "core/runtime/aggregate_runtime.h"
#include "core/store/memory/memory_event_store.h"
#include "core/testing/fake_clock.h"

namespace sagad::coordinator {
namespace {

using namespace testing;  // NOLINT

// How a fake participant answers one command: "success", "failure", ...
using Participant = std::function<std::string(const OutgoingCommand&)>;

class Harness {
 public:
  explicit Harness(std::shared_ptr<DefinitionCatalog> catalog) : catalog_(std::move(catalog)) {
    Status s = RegisterCoordinatorAggregates(registry_, catalog_.get());
    EXPECT_TRUE(s.ok()) << s.ToString();
    RuntimeOptions options;
    options.shards = 1;
    options.snapshot_every = 3;  // exercise snapshots on the way
    options.clock = &clock_;
    auto runtime = AggregateRuntime::Start(&store_, &registry_, options);
    EXPECT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
  }
  ~Harness() { runtime_->Stop(); }

  // Sends `c`, then plays the dispatcher until no command is left: every
  // command derived from a commit goes to `participant`, whose answer comes
  // back as a HandleReply (each reply delivered twice: the second must be
  // recorded as a duplicate and change nothing).
  void Run(Command c, const Participant& participant) {
    std::deque<OutgoingCommand> wire;
    auto send = [&](Command cmd) {
      CommandResult r = runtime_->Send(std::move(cmd)).get();
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      for (OutgoingCommand& out : CommandsToSend(r.events)) wire.push_back(std::move(out));
    };
    send(std::move(c));
    while (!wire.empty()) {
      OutgoingCommand out = wire.front();
      wire.pop_front();
      sent_.push_back(out.command_type);
      std::string outcome = participant(out);
      clock_.Advance(5);
      if (outcome == "drop") continue;  // lost on the wire: only a timeout will tell
      for (int delivery = 0; delivery < 2; ++delivery) {
        Command reply;
        reply.command_id = "reply/" + out.command_id + "/" + std::to_string(delivery);
        reply.target = {aggregate_type_, out.correlation_id};
        reply.type = saga::kHandleReply;
        reply.correlation_id = out.correlation_id;
        reply.causation_id = out.command_id;
        reply.payload = {{"command_id", out.command_id},
                         {"outcome", outcome},
                         {"data", {{"payment_id", "p-1"}}},
                         {"now_ms", clock_.NowMs()}};
        send(reply);
      }
    }
  }

  template <typename State>
  State Replay(const std::string& id) {
    const AggregateBehavior* behavior = registry_.Find(aggregate_type_);
    auto box = behavior->NewState();
    Result<std::vector<Event>> events = store_.ReadStream({aggregate_type_, id}, 1, 0);
    EXPECT_TRUE(events.ok());
    for (const Event& e : *events) behavior->Evolve(*box, e);
    return AggregateDefinition<State>::Unbox(*box);
  }

  std::vector<std::string> EventTypes(const std::string& id) {
    std::vector<std::string> out;
    Result<std::vector<Event>> events = store_.ReadStream({aggregate_type_, id}, 1, 0);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    if (!events.ok()) return out;
    for (const Event& e : *events) out.push_back(e.type);
    return out;
  }

  std::string aggregate_type_ = saga::kAggregateType;
  std::vector<std::string> sent_;
  sagad::testing::FakeClock clock_{kT0};

 private:
  std::shared_ptr<DefinitionCatalog> catalog_;
  AggregateRegistry registry_;
  MemoryEventStore store_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

Command StartOn(const std::string& type, Command c, const std::string& id, std::int64_t now) {
  c.command_id = "start/" + id;
  c.target = {type, id};
  c.payload["now_ms"] = now;
  return c;
}

TEST(CoordinatorRuntimeTest, PlaceOrderRunsToCompletedThroughTheRuntime) {
  Harness h(TestCatalog());
  h.Run(StartOn(saga::kAggregateType, StartSaga("PlaceOrder", OrderInput()), "o-1", kT0),
        [](const OutgoingCommand&) { return "success"; });
  EXPECT_THAT(h.sent_, ::testing::ElementsAre("ReserveStock", "Charge", "ApproveOrder"));
  SagaState s = h.Replay<SagaState>("o-1");
  EXPECT_EQ(s.status(), SagaStatus::kCompleted);
  EXPECT_EQ(s.context["charge_payment"]["payment_id"], "p-1");
  std::vector<std::string> types = h.EventTypes("o-1");
  EXPECT_EQ(std::count(types.begin(), types.end(), std::string(saga::kDuplicateReplyIgnored)), 3)
      << ::testing::PrintToString(types);
}

TEST(CoordinatorRuntimeTest, PlaceOrderCompensatesThroughTheRuntimeWhenPaymentIsDeclined) {
  Harness h(TestCatalog());
  h.Run(StartOn(saga::kAggregateType, StartSaga("PlaceOrder", OrderInput()), "o-2", kT0),
        [](const OutgoingCommand& c) { return c.command_type == "Charge" ? "failure" : "success"; });
  EXPECT_THAT(h.sent_, ::testing::ElementsAre("ReserveStock", "Charge", "ReleaseStock", "RejectOrder"));
  SagaState s = h.Replay<SagaState>("o-2");
  EXPECT_EQ(s.status(), SagaStatus::kCompensated);
  EXPECT_TRUE(OutstandingCommands(s).empty()) << "the final command was acknowledged";
}

TEST(CoordinatorRuntimeTest, ALostCommandIsRetriedWhenTheTimerFires) {
  Harness h(TestCatalog());
  int reserves = 0;
  Participant participant = [&](const OutgoingCommand& c) {
    if (c.command_type == "ReserveStock" && ++reserves == 1) return std::string("drop");
    return std::string("success");
  };
  h.Run(StartOn(saga::kAggregateType, StartSaga("PlaceOrder", OrderInput()), "o-4", kT0), participant);
  // The dispatcher's timer: wake at NextDeadline, then at the retry time.
  for (int wake = 0; wake < 2; ++wake) {
    std::optional<std::int64_t> next = NextDeadline(h.Replay<SagaState>("o-4"));
    ASSERT_TRUE(next.has_value());
    h.clock_.Set(*next);
    Command timer = Timer(*next);
    timer.command_id = "timer/o-4/" + std::to_string(*next);
    timer.target = {saga::kAggregateType, "o-4"};
    h.Run(timer, participant);
  }
  EXPECT_THAT(h.sent_, ::testing::ElementsAre("ReserveStock", "ReserveStock", "Charge", "ApproveOrder"));
  EXPECT_EQ(h.Replay<SagaState>("o-4").status(), SagaStatus::kCompleted);
}

TEST(CoordinatorRuntimeTest, ASecondStartOfTheSameSagaIsANoOp) {
  Harness h(TestCatalog());
  h.Run(StartOn(saga::kAggregateType, StartSaga("PlaceOrder", OrderInput()), "o-3", kT0),
        [](const OutgoingCommand&) { return "success"; });
  std::size_t before = h.EventTypes("o-3").size();
  Command again = StartOn(saga::kAggregateType, StartSaga("PlaceOrder", OrderInput()), "o-3", kT0 + 1);
  again.command_id = "start/o-3/again";
  h.Run(again, [](const OutgoingCommand&) { return "success"; });
  EXPECT_EQ(h.EventTypes("o-3").size(), before);
}

TEST(CoordinatorRuntimeTest, TransferMoneyConfirmsThroughTheRuntime) {
  Harness h(TestCatalog());
  h.aggregate_type_ = tcc::kAggregateType;
  h.Run(StartOn(tcc::kAggregateType, StartTcc({{"transfer_id", "t-1"}, {"from", "a"}, {"to", "b"}, {"amount", 5}}),
                "t-1", kT0),
        [](const OutgoingCommand&) { return "success"; });
  EXPECT_THAT(h.sent_, ::testing::ElementsAre("TryDebit", "TryCredit", "ConfirmDebit", "ConfirmCredit"));
  EXPECT_EQ(h.Replay<TccState>("t-1").status(), TccStatus::kConfirmed);
}

}  // namespace
}  // namespace sagad::coordinator
