// The store audit finds each kind of damage a crash could leave, and names
// the saga it is about; a store a clean run leaves passes.
#include "tests/crash/store_audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sagad::crash {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A clean store: a saga started over the API whose command charged an
// account, and a seeding command that opened it.
class StoreAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Add({"Account", "alice"}, "seed-1", "", "AccountOpened");
    Add({"Saga", "PlaceOrder:o-1"}, "start/PlaceOrder:o-1", "PlaceOrder:o-1", "SagaStarted");
    Add({"Saga", "PlaceOrder:o-1"}, "start/PlaceOrder:o-1", "PlaceOrder:o-1", "StepCommandIssued");
    Add({"Account", "alice"}, "PlaceOrder:o-1/charge_payment/do", "PlaceOrder:o-1", "PaymentCharged");
    Add({"Saga", "PlaceOrder:o-1"}, "PlaceOrder:o-1/charge_payment/do/reply/1", "PlaceOrder:o-1", "StepSucceeded");
  }

  // Appends an event at the next position and the stream's next version.
  Event& Add(const StreamId& stream, const std::string& command_id, const std::string& saga, const std::string& type) {
    std::int64_t version = 0;
    for (const Event& e : store.events) version += e.stream == stream;
    Event e;
    e.global_position = static_cast<std::int64_t>(store.events.size()) + 1;
    e.stream = stream;
    e.version = version + 1;
    e.command_id = command_id;
    e.correlation_id = saga;
    e.type = type;
    return store.events.emplace_back(std::move(e));
  }

  Audit Run() { return AuditStore(store, acknowledged); }

  StoreContents store;
  std::vector<std::string> acknowledged = {"PlaceOrder:o-1"};
};

TEST_F(StoreAuditTest, AStoreACleanRunLeavesPasses) {
  Audit audit = Run();
  EXPECT_THAT(audit.violations, IsEmpty());
  EXPECT_EQ(audit.sagas, 1u);
  EXPECT_EQ(audit.events, 5u);
}

TEST_F(StoreAuditTest, ACommandAppliedTwiceOnAStreamIsNamedWithItsSaga) {
  Add({"Account", "alice"}, "PlaceOrder:o-1/charge_payment/do", "PlaceOrder:o-1", "PaymentCharged");
  EXPECT_THAT(Run().violations, ElementsAre(AllOf(Field(&Violation::what,
                                                        "Account/alice: command PlaceOrder:o-1/charge_payment/do "
                                                        "applied twice (versions 2 and 3)"),
                                                  Field(&Violation::saga, "PlaceOrder:o-1"))));
}

// As a resend after a restart would be, had the store forgotten the command:
// the next event of the stream and of the log, written later.
TEST_F(StoreAuditTest, ACommandAppliedAgainRightAfterItselfIsStillASecondApplication) {
  store.events[4].timestamp_ms = 100;
  Add({"Saga", "PlaceOrder:o-1"}, "PlaceOrder:o-1/charge_payment/do/reply/1", "PlaceOrder:o-1", "StepSucceeded")
      .timestamp_ms = 250;
  EXPECT_THAT(Run().violations, ElementsAre(Field(&Violation::what, HasSubstr("applied twice (versions 3 and 4)"))));
}

TEST_F(StoreAuditTest, AGapInAStreamsVersionsIsFound) {
  Add({"Saga", "PlaceOrder:o-1"}, "PlaceOrder:o-1/approve_order/do/reply/1", "PlaceOrder:o-1", "StepSucceeded")
      .version = 6;
  EXPECT_THAT(Run().violations, ElementsAre(Field(&Violation::what, HasSubstr("version 6 follows version 3"))));
}

TEST_F(StoreAuditTest, AGapInGlobalPositionsIsFound) {
  Add({"Account", "alice"}, "seed-2", "", "Deposited").global_position = 9;
  EXPECT_THAT(Run().violations, ElementsAre(Field(&Violation::what, HasSubstr("jump from 5 to 9"))));
}

TEST_F(StoreAuditTest, AnAcknowledgedStartWithoutItsSagaIsALostStart) {
  acknowledged.push_back("TransferMoney:t-1");
  EXPECT_THAT(Run().violations,
              ElementsAre(AllOf(Field(&Violation::what, HasSubstr("acknowledged the start of TransferMoney:t-1")),
                                Field(&Violation::saga, "TransferMoney:t-1"))));
}

TEST_F(StoreAuditTest, ASagaStillActiveNeverFinished) {
  store.active.push_back({"Saga", "PlaceOrder:o-1"});
  EXPECT_THAT(Run().violations, ElementsAre(AllOf(Field(&Violation::what, HasSubstr("still active")),
                                                  Field(&Violation::saga, "PlaceOrder:o-1"))));
}

TEST_F(StoreAuditTest, ASagaStreamThatDoesNotBeginWithItsStartIsFound) {
  Add({"Tcc", "TransferMoney:t-2"}, "TransferMoney:t-2/debit/try/reply/1", "TransferMoney:t-2", "TrySucceeded");
  EXPECT_THAT(Run().violations, ElementsAre(Field(&Violation::what,
                                                  "Tcc/TransferMoney:t-2 begins with TrySucceeded, "
                                                  "not TccStarted")));
}

TEST_F(StoreAuditTest, ASagasHistoryHasItsEventsAndThoseItsCommandsProduced) {
  std::vector<std::string> history = SagaHistory(store, "PlaceOrder:o-1");
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0], "#2 Saga/PlaceOrder:o-1 v1 SagaStarted [start/PlaceOrder:o-1] {}");
  EXPECT_THAT(history[2], HasSubstr("Account/alice v2 PaymentCharged"));
  EXPECT_THAT(SagaHistory(store, ""), IsEmpty());
}

}  // namespace
}  // namespace sagad::crash
