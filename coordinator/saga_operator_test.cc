// Specifications of operator actions on a saga: each is recorded with its
// actor and reason; an action that does not fit the state is refused and
// changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/coordinator_test_support.h"
#include "coordinator/instance_view.h"
#include "core/testing/given_when_then.h"

namespace sagad::coordinator {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;
using sagad::testing::Spec;

using SagaOperatorTest = SagaFixture;

TEST_F(SagaOperatorTest, WhilePausedRepliesAreRecordedButNothingIsIssuedUntilResume) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Operator(saga::kPause, kT0 + 1));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorPaused));
  EXPECT_EQ(e[0].payload, (Json{{"actor", "alice"}, {"reason", "ticket 42"}, {"at_ms", kT0 + 1}}));
  EXPECT_EQ(s.state().status(), SagaStatus::kPaused);

  e = s.Do(Success(DoId("reserve_stock"), kT0 + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded));
  EXPECT_TRUE(OutstandingCommands(s.state()).empty());

  e = s.Do(Operator(saga::kResume, kT0 + 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorResumed, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["step"], "charge_payment");
  EXPECT_EQ(s.state().status(), SagaStatus::kRunning);
}

TEST_F(SagaOperatorTest, ARetryDueDuringAPauseIsIssuedOnResume) {
  SagaInstance s = NewOrder();
  s.Do(Operator(saga::kPause, kT0 + 1));
  Events e = s.Do(Timer(kT0 + 5000));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepTimedOut, saga::kRetryScheduled));
  EXPECT_TRUE(s.Do(Timer(kT0 + 60'000)).empty());
  e = s.Do(Operator(saga::kResume, kT0 + 60'001));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorResumed, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["command_id"], DoId("reserve_stock"));
  EXPECT_EQ(e[1].payload["attempt"], 2);
}

TEST_F(SagaOperatorTest, ResumeWhenNotPausedIsRefused) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kResume, kT0 + 1))
      .ThenFails(StatusCode::kFailedPrecondition, "not paused");
}

TEST_F(SagaOperatorTest, PauseTwiceIsRefused) {
  SagaInstance s = NewOrder();
  s.Do(Operator(saga::kPause, kT0 + 1));
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kPause, kT0 + 2))
      .ThenFails(StatusCode::kFailedPrecondition, "already paused");
}

TEST_F(SagaOperatorTest, AnActionWithoutActorIsInvalid) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1").Given(s.history()).When(saga::kPause, {{"now_ms", kT0}})
      .ThenFails(StatusCode::kInvalidArgument, "actor");
}

TEST_F(SagaOperatorTest, ACommandWithoutTimeIsInvalid) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1").Given(s.history()).When(saga::kTimerFired, Json::object())
      .ThenFails(StatusCode::kInvalidArgument, "now_ms");
}

TEST_F(SagaOperatorTest, SkipOnACompletedSagaIsRefused) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  s.Do(Success(DoId("charge_payment"), kT0 + 2, {{"payment_id", "p"}}));
  s.Do(Success(DoId("approve_order"), kT0 + 3));
  ASSERT_EQ(s.state().status(), SagaStatus::kCompleted);
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kSkip, kT0 + 4, {{"step", "approve_order"}}))
      .ThenFails(StatusCode::kFailedPrecondition, "COMPLETED");
}

TEST_F(SagaOperatorTest, SkipOfARunningStepMarksItDoneAndContinues) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Operator(saga::kSkip, kT0 + 1, {{"step", "reserve_stock"}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorSkipped, saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["phase"], "do");
  EXPECT_EQ(e[1].payload["step"], "charge_payment");
  // The skipped attempt's reply is late now.
  e = s.Do(Success(DoId("reserve_stock"), kT0 + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kLateReplyIgnored));
}

TEST_F(SagaOperatorTest, SkipOfAStuckCompensationUnsticksTheSaga) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  s.Do(Failure(DoId("charge_payment"), kT0 + 2));
  s.Do(Failure(UndoId("reserve_stock"), kT0 + 10, "no such reservation"));
  ASSERT_EQ(s.state().status(), SagaStatus::kStuck);
  Events e = s.Do(Operator(saga::kSkip, kT0 + 100'000, {{"step", "reserve_stock"}}));
  EXPECT_THAT(Types(e), ElementsAre(saga::kOperatorSkipped, saga::kSagaCompensated, saga::kFinalCommandIssued));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
  ASSERT_EQ(s.state().operator_skips.size(), 1u);
  EXPECT_EQ(s.state().operator_skips[0].phase, "compensate");
}

TEST_F(SagaOperatorTest, SkipOfAnInDoubtStepIsTheOperatorsWordThatNothingNeedsUndoing) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  std::int64_t now = kT0 + 1;
  while (s.state().status() != SagaStatus::kStuck) {  // charge_payment never answers
    now = *NextDeadline(s.state());
    s.Do(Timer(now));
  }
  ASSERT_EQ(s.state().step("charge_payment")->status, StepStatus::kInDoubt);
  EXPECT_EQ(s.state().step("reserve_stock")->status, StepStatus::kSucceeded) << "waits for charge_payment";
  Events e = s.Do(Operator(saga::kSkip, now + 1, {{"step", "charge_payment"}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorSkipped, saga::kCompensationIssued));
  EXPECT_EQ(e[0].payload["in_doubt"], true);
  EXPECT_EQ(s.state().step("charge_payment")->status, StepStatus::kSkipped);
  e = s.Do(Success(UndoId("reserve_stock"), now + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
  ASSERT_EQ(s.state().operator_skips.size(), 1u);
  EXPECT_TRUE(s.state().operator_skips[0].in_doubt);
  EXPECT_EQ(s.state().operator_skips[0].reason, "ticket 42");
  // The instance view shows the operator's word beside the final status.
  Json view = SagaView(s.state(), static_cast<std::int64_t>(s.history().size()));
  EXPECT_EQ(view["status"], "COMPENSATED");
  ASSERT_EQ(view["operator_skips"].size(), 1u);
  EXPECT_EQ(view["operator_skips"][0]["step"], "charge_payment");
  EXPECT_EQ(view["operator_skips"][0]["in_doubt"], true);
  EXPECT_EQ(view["operator_skips"][0]["actor"], "alice");
}

TEST_F(SagaOperatorTest, RetryOfAStepInDoubtResendsTheSameCommandNow) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Operator(saga::kRetry, kT0 + 1, {{"step", "reserve_stock"}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorRetried, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["command_id"], DoId("reserve_stock"));
  EXPECT_EQ(e[1].payload["attempt"], 2);
  EXPECT_EQ(e[1].payload["payload"], (Json{{"order_id", "o-1"}, {"qty", 2}}));
}

TEST_F(SagaOperatorTest, RetryOfAStepInDoubtWithAnEditedPayloadIsRefused) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1")
      .Given(s.history())
      .When(Operator(saga::kRetry, kT0 + 1, {{"step", "reserve_stock"}, {"payload", {{"qty", 1}}}}))
      .ThenFails(StatusCode::kFailedPrecondition, "outcome is unknown");
}

TEST_F(SagaOperatorTest, RetryOfACompensatedStepsForwardCommandIsRefused) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  s.Do(Failure(DoId("charge_payment"), kT0 + 2));
  Events e = s.Do(Operator(saga::kPause, kT0 + 3));
  s.Do(Success(UndoId("reserve_stock"), kT0 + 4));
  ASSERT_EQ(s.state().step("reserve_stock")->status, StepStatus::kCompensated);
  s.Do(Operator(saga::kResume, kT0 + 5));
  ASSERT_EQ(s.state().status(), SagaStatus::kCompensated);
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kRetry, kT0 + 6, {{"step", "reserve_stock"}}))
      .ThenFails(StatusCode::kFailedPrecondition, "COMPENSATED");
}

TEST_F(SagaOperatorTest, RetryWithoutAStepOnASagaThatIsNotStuckIsRefused) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kRetry, kT0 + 1))
      .ThenFails(StatusCode::kFailedPrecondition, "not stuck");
}

TEST_F(SagaOperatorTest, RetryOfACompletedStepIsRefused) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kRetry, kT0 + 2, {{"step", "reserve_stock"}}))
      .ThenFails(StatusCode::kFailedPrecondition, "SUCCEEDED");
}

TEST_F(SagaOperatorTest, AbortWithCompensationUndoesTheCompletedStepsOnceTheRunningOneSettles) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  Events e = s.Do(Operator(saga::kAbort, kT0 + 2));
  // charge_payment is still out and may yet succeed: reserve_stock waits for it.
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorAborted));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensating);
  EXPECT_EQ(s.state().context["failure"]["reason"], "aborted by operator: ticket 42");
  // Its timeout leaves it in doubt: it is resent until it answers ...
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepTimedOut, saga::kRetryScheduled));
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["command_id"], DoId("charge_payment"));
  // ... and only its definitive answer lets reserve_stock be undone.
  e = s.Do(Failure(DoId("charge_payment"), kT0 + 39'000, "card declined"));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "reserve_stock");
  e = s.Do(Success(UndoId("reserve_stock"), kT0 + 40'000));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaOperatorTest, AbortWithoutCompensationEndsTheSaga) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Operator(saga::kAbort, kT0 + 1, {{"compensate", false}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorAborted));
  EXPECT_EQ(s.state().status(), SagaStatus::kAborted);
  EXPECT_FALSE(NextDeadline(s.state()).has_value());
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kAbort, kT0 + 2))
      .ThenFails(StatusCode::kFailedPrecondition, "ABORTED");
}

TEST_F(SagaOperatorTest, AbortWithCompensationWhileCompensatingIsRefused) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 1));
  s.Do(Failure(DoId("charge_payment"), kT0 + 2));
  Spec(*saga_, "o-1").Given(s.history()).When(Operator(saga::kAbort, kT0 + 3))
      .ThenFails(StatusCode::kFailedPrecondition, "already compensating");
}

}  // namespace
}  // namespace sagad::coordinator
