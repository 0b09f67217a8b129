// The in-process transport on a real AggregateRuntime and MemoryEventStore:
// what the coordinator hears back for each kind of participant answer.
#include "participants/sdk/in_process_transport.h"
#include "participants/sdk/step_barrier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "core/store/memory/memory_event_store.h"
#include "core/testing/bank_account.h"
#include "participants/sdk/command_reply.h"

namespace sagad::participants {
namespace {

using coordinator::OutgoingCommand;
using coordinator::Reply;

// A lamp that is turned on once: a second TurnOn changes nothing and emits
// nothing, the shape of every idempotent repeat.
std::shared_ptr<AggregateDefinition<bool>> MakeLampType() {
  auto type = std::make_shared<AggregateDefinition<bool>>("Lamp");
  type->Handle("TurnOn", [](const bool& on, const Command&) -> Decision {
        if (on) return Events{};
        return Events{{"TurnedOn", Json::object()}};
      })
      .Apply("TurnedOn", [](bool& on, const Event&) { on = true; });
  return type;
}

Participant MakeBank() {
  Participant bank("bank");
  EXPECT_TRUE(bank.Add(sagad::testing::MakeBankAccountType(), {"Deposit", "Withdraw"}).ok());
  EXPECT_TRUE(bank.Add(MakeLampType(), {"TurnOn"}).ok());
  return bank;
}

OutgoingCommand Outgoing(const std::string& id, const std::string& type, const std::string& target,
                         Json payload = Json::object()) {
  return OutgoingCommand{.command_id = id,
                         .participant = "bank",
                         .command_type = type,
                         .target = target,
                         .payload = std::move(payload),
                         .correlation_id = "saga-1"};
}

class InProcessTransportTest : public ::testing::Test {
 protected:
  InProcessTransportTest() {
    Participant bank = MakeBank();
    EXPECT_TRUE(bank.RegisterInto(registry_).ok());
    RuntimeOptions options;
    options.shards = 1;
    auto runtime = AggregateRuntime::Start(&store_, &registry_, options);
    EXPECT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
    transport_ = std::make_unique<InProcessTransport>(std::move(bank), runtime_.get());
  }
  ~InProcessTransportTest() override {
    transport_->Stop();
    runtime_->Stop();
  }

  Reply SendAndWait(const OutgoingCommand& command) {
    auto promise = std::make_shared<std::promise<Reply>>();
    std::future<Reply> reply = promise->get_future();
    transport_->Send(command, [promise](Reply r) { promise->set_value(std::move(r)); });
    return reply.get();
  }

  std::vector<Event> Stream(const std::string& type, const std::string& id) {
    Result<std::vector<Event>> events = store_.ReadStream({type, id}, 1, 0);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<Event>{};
  }

  AggregateRegistry registry_;
  MemoryEventStore store_;
  std::unique_ptr<AggregateRuntime> runtime_;
  std::unique_ptr<InProcessTransport> transport_;
};

TEST_F(InProcessTransportTest, EmittedEventIsTheReplyOnceDurable) {
  Reply r = SendAndWait(Outgoing("saga-1/pay/do/1", "Deposit", "acct-1", {{"amount", 10}}));
  EXPECT_EQ(r.outcome, Reply::Outcome::kEvent) << r.reason;
  EXPECT_EQ(r.event_type, "Deposited");
  EXPECT_EQ(r.data, (Json{{"amount", 10}, {"balance", 10}}));

  std::vector<Event> stored = Stream("BankAccount", "acct-1");
  ASSERT_EQ(stored.size(), 1u) << "routed to the aggregate type that handles Deposit, target as its id";
  EXPECT_EQ(stored[0].command_id, "saga-1/pay/do/1");
  EXPECT_EQ(stored[0].correlation_id, "saga-1");
}

TEST_F(InProcessTransportTest, RefusalIsAFailureWithTheDomainsReasonAndIsRecorded) {
  Reply r = SendAndWait(Outgoing("c-1", "Withdraw", "acct-1", {{"amount", 5}}));
  EXPECT_EQ(r.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(r.reason, "insufficient funds");
  std::vector<Event> stored = Stream("BankAccount", "acct-1");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].type, kCommandRefused);
  EXPECT_EQ(stored[0].command_id, "c-1");
}

TEST_F(InProcessTransportTest, ARepeatOfARefusedCommandIsRefusedAgainEvenWhenItCouldNowSucceed) {
  EXPECT_EQ(SendAndWait(Outgoing("c-1", "Withdraw", "acct-1", {{"amount", 5}})).outcome, Reply::Outcome::kFailure);
  SendAndWait(Outgoing("c-2", "Deposit", "acct-1", {{"amount", 10}}));
  Reply again = SendAndWait(Outgoing("c-1", "Withdraw", "acct-1", {{"amount", 5}}));
  EXPECT_EQ(again.outcome, Reply::Outcome::kFailure) << "the saga may already have compensated for the refusal";
  EXPECT_EQ(again.reason, "insufficient funds");
  EXPECT_EQ(SendAndWait(Outgoing("c-3", "Withdraw", "acct-1", {{"amount", 11}})).outcome, Reply::Outcome::kFailure)
      << "the balance is still 10";
}

TEST_F(InProcessTransportTest, TheStepBarrierTravelsWithTheCommand) {
  // A compensation that overtakes its forward command: a null compensation,
  // then the forward command is refused when it arrives.
  OutgoingCommand forward = Outgoing("saga-1/pay/do", "Deposit", "acct-1", {{"amount", 10}});
  forward.compensable = true;
  OutgoingCommand undo = Outgoing("saga-1/pay/compensate", "Withdraw", "acct-1", {{"amount", 10}});
  undo.compensates = coordinator::ForwardCommand{"saga-1/pay/do", "Deposit", "acct-1"};
  Reply undone = SendAndWait(undo);
  EXPECT_EQ(undone.outcome, Reply::Outcome::kEvent) << undone.reason;
  EXPECT_EQ(undone.event_type, kCompensatedBeforeForward);
  Reply late = SendAndWait(forward);
  EXPECT_EQ(late.outcome, Reply::Outcome::kFailure);
  EXPECT_THAT(late.reason, ::testing::HasSubstr("compensated it before it arrived"));
  std::vector<Event> stored = Stream("BankAccount", "acct-1");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].metadata["compensable"], true) << "the marks are stored with the events";
  EXPECT_EQ(stored[1].metadata["attempt"], 1);
}

TEST_F(InProcessTransportTest, DuplicateCommandIdIsAnsweredAgainAndAppliedOnce) {
  OutgoingCommand deposit = Outgoing("c-1", "Deposit", "acct-1", {{"amount", 10}});
  Reply first = SendAndWait(deposit);
  Reply again = SendAndWait(deposit);
  EXPECT_EQ(again.outcome, Reply::Outcome::kEvent);
  EXPECT_EQ(again.event_type, first.event_type);
  EXPECT_EQ(again.data, first.data) << "the original answer, balance 10, not 20";
  EXPECT_EQ(Stream("BankAccount", "acct-1").size(), 1u);
  // The account holds 10, not 20: withdrawing 11 is refused.
  EXPECT_EQ(SendAndWait(Outgoing("c-2", "Withdraw", "acct-1", {{"amount", 11}})).outcome, Reply::Outcome::kFailure);
}

TEST_F(InProcessTransportTest, RepeatThatEmitsNothingIsASuccess) {
  EXPECT_EQ(SendAndWait(Outgoing("c-1", "TurnOn", "lamp-1")).outcome, Reply::Outcome::kEvent);
  Reply repeat = SendAndWait(Outgoing("c-2", "TurnOn", "lamp-1"));
  EXPECT_EQ(repeat.outcome, Reply::Outcome::kSuccess);
  EXPECT_EQ(Stream("Lamp", "lamp-1").size(), 1u);
}

TEST_F(InProcessTransportTest, UnknownCommandTypeIsAFailureNamingIt) {
  Reply r = SendAndWait(Outgoing("c-1", "Close", "acct-1"));
  EXPECT_EQ(r.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(r.reason, "participant bank has no command Close");
}

TEST_F(InProcessTransportTest, CommandForAnotherParticipantIsAFailure) {
  OutgoingCommand c = Outgoing("c-1", "Deposit", "acct-1", {{"amount", 1}});
  c.participant = "payment";
  Reply r = SendAndWait(c);
  EXPECT_EQ(r.outcome, Reply::Outcome::kFailure);
  EXPECT_NE(r.reason.find("for participant payment, not bank"), std::string::npos) << r.reason;
  EXPECT_TRUE(Stream("BankAccount", "acct-1").empty());
}

TEST_F(InProcessTransportTest, BadPayloadIsAFailureNotARetry) {
  Reply r = SendAndWait(Outgoing("c-1", "Deposit", "acct-1", {{"amount", "lots"}}));
  EXPECT_EQ(r.outcome, Reply::Outcome::kFailure);
  EXPECT_NE(r.reason.find("bank Deposit: InvalidArgument"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("amount"), std::string::npos) << r.reason;
}

TEST_F(InProcessTransportTest, MissingTargetIsAFailure) {
  Reply r = SendAndWait(Outgoing("c-1", "Deposit", "", {{"amount", 1}}));
  EXPECT_EQ(r.outcome, Reply::Outcome::kFailure) << r.reason;
}

TEST_F(InProcessTransportTest, AfterStopEveryCommandIsTransient) {
  transport_->Stop();
  Reply r = SendAndWait(Outgoing("c-1", "Deposit", "acct-1", {{"amount", 1}}));
  EXPECT_EQ(r.outcome, Reply::Outcome::kTransient);
  EXPECT_EQ(r.reason, "transport stopped");
  EXPECT_TRUE(Stream("BankAccount", "acct-1").empty());
}

// Outcomes the runtime gives only under faults, checked on the mapping itself.
TEST(ReplyForTest, SystemErrorsAreTransientAndBusinessOnesAreFailures) {
  auto outcome = [](Status s) { return ReplyFor("p", "C", CommandResult{.status = std::move(s)}).outcome; };
  EXPECT_EQ(outcome(Status::Unavailable("store down")), Reply::Outcome::kTransient);
  EXPECT_EQ(outcome(Status::Conflict("version 3")), Reply::Outcome::kTransient);
  EXPECT_EQ(outcome(Status::Internal("bug")), Reply::Outcome::kTransient);
  EXPECT_EQ(outcome(Status::FailedPrecondition("closed")), Reply::Outcome::kFailure);
  EXPECT_EQ(outcome(Status::NotFound("no such thing")), Reply::Outcome::kFailure);
  EXPECT_EQ(ReplyFor("p", "C", CommandResult{.status = Status::Unavailable("store down")}).reason,
            "p C: Unavailable: store down");
}

TEST(ReplyForTest, AFailureEventsReasonBecomesTheReplysReason) {
  CommandResult result;
  Event declined;
  declined.type = "PaymentDeclined";
  declined.payload = {{"order_id", "o-1"}, {"reason", "insufficient funds"}};
  result.events = {Event{}, declined};
  Reply r = ReplyFor("payment", "Charge", result);
  EXPECT_EQ(r.outcome, Reply::Outcome::kEvent);
  EXPECT_EQ(r.event_type, "PaymentDeclined") << "the last event answers";
  EXPECT_EQ(r.reason, "insufficient funds");
}

}  // namespace
}  // namespace sagad::participants
