// Specifications of operator actions on a saga: each is recorded with its
// actor and reason; an action that does not fit the state is refused and
// changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/coordinator_test_support.h"
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
  EXPECT_EQ(e[1].payload["command_id"], DoId("reserve_stock", 2));
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
  for (int attempt = 1; s.state().status() != SagaStatus::kStuck; ++attempt) {
    Events e = s.Do(Failure(UndoId("reserve_stock", attempt), kT0 + 10 * attempt));
    if (e.back().type == saga::kRetryScheduled) s.Do(Timer(e.back().payload["at_ms"]));
  }
  Events e = s.Do(Operator(saga::kSkip, kT0 + 100'000, {{"step", "reserve_stock"}}));
  EXPECT_THAT(Types(e), ElementsAre(saga::kOperatorSkipped, saga::kSagaCompensated, saga::kFinalCommandIssued));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
}

TEST_F(SagaOperatorTest, RetryOfARunningStepIssuesANewAttemptWithTheEditedPayload) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Operator(saga::kRetry, kT0 + 1, {{"step", "reserve_stock"}, {"payload", {{"qty", 1}}}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorRetried, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["command_id"], DoId("reserve_stock", 2));
  EXPECT_EQ(e[1].payload["payload"], (Json{{"qty", 1}}));
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
  // Its timeout fails it without retry (the saga is compensating) ...
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepTimedOut, saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[2].payload["step"], "reserve_stock");
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
