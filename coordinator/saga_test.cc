// Specifications of the saga process manager (pure Decide/Evolve).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/coordinator_test_support.h"
#include "coordinator/commands_to_send.h"
#include "core/testing/given_when_then.h"

namespace sagad::coordinator {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;
using sagad::testing::Spec;

class SagaTest : public SagaFixture {
 protected:
  // Shipping s-1 with book_courier's compensation out: it is answered, then
  // pick is undone, and the saga is COMPENSATED.
  static void ExpectBookingThenPickUndone(SagaInstance& s, std::int64_t now) {
    Events e = s.Do(Success(UndoId("book_courier", "s-1"), now));
    ASSERT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kCompensationIssued));
    EXPECT_EQ(e[1].payload["step"], "pick");
    e = s.Do(Success(UndoId("pick", "s-1"), now + 1));
    EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated));
  }

  // PlaceOrder with reserve_stock and charge_payment done.
  SagaInstance ChargedOrder() {
    SagaInstance s = NewOrder();
    s.Do(Success(DoId("reserve_stock"), kT0 + 10));
    s.Do(Success(DoId("charge_payment"), kT0 + 20, {{"payment_id", "p-9"}}));
    return s;
  }
};

TEST_F(SagaTest, StartRecordsTheDefinitionAndIssuesTheFirstStep) {
  Spec(*saga_, "o-1")
      .When(StartSaga("PlaceOrder", OrderInput()))
      .Then({{saga::kSagaStarted,
              {{"saga_id", "o-1"},
               {"definition", "PlaceOrder"},
               {"version", 1},
               {"hash", catalog_->Find("PlaceOrder", 1)->hash},
               {"key", "o-1"},
               {"input", OrderInput()},
               {"started_ms", kT0}}},
             {saga::kStepCommandIssued,
              {{"step", "reserve_stock"},
               {"phase", "do"},
               {"attempt", 1},
               {"command_id", "o-1/reserve_stock/do"},
               {"compensable", true},
               {"participant", "inventory"},
               {"command_type", "ReserveStock"},
               {"target", "sku-1"},
               {"payload", {{"order_id", "o-1"}, {"qty", 2}}},
               {"deadline_ms", kT0 + 5000},
               {"issued_ms", kT0}}}});
}

TEST_F(SagaTest, StartIsIdempotent) {
  SagaInstance s = NewOrder();
  Spec(*saga_, "o-1").Given(s.history()).When(StartSaga("PlaceOrder", OrderInput())).ThenNothing();
}

TEST_F(SagaTest, StartOfAnUnknownDefinitionIsNotFound) {
  Spec(*saga_, "o-1").When(StartSaga("Nope", OrderInput())).ThenFails(StatusCode::kNotFound, "Nope");
}

TEST_F(SagaTest, HappyPathRunsEveryStepInOrderAndCompletes) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["command_id"], DoId("charge_payment"));
  EXPECT_EQ(e[1].payload["payload"], (Json{{"order_id", "o-1"}, {"amount", 30}}));

  e = s.Do(Success(DoId("charge_payment"), kT0 + 20, {{"payment_id", "p-9"}, {"other", 1}}));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["captured"], (Json{{"payment_id", "p-9"}}));
  EXPECT_EQ(s.state().context["charge_payment"]["payment_id"], "p-9");

  e = s.Do(Success(DoId("approve_order"), kT0 + 30));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kSagaCompleted));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompleted);
  EXPECT_TRUE(OutstandingCommands(s.state()).empty());
  EXPECT_FALSE(NextDeadline(s.state()).has_value());
}

TEST_F(SagaTest, FailureOfTheFirstStepCompensatesNothingAndSendsTheFinalCommand) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Failure(DoId("reserve_stock"), kT0 + 10, "out of stock"));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kSagaCompensated, saga::kFinalCommandIssued));
  EXPECT_EQ(e[2].payload["command_type"], "RejectOrder");
  EXPECT_EQ(e[2].payload["payload"], (Json{{"reason", "out of stock"}}));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
}

TEST_F(SagaTest, FailureOfTheSecondStepCompensatesTheFirst) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  Events e = s.Do(Failure(DoId("charge_payment"), kT0 + 20, "card declined"));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["command_type"], "ReleaseStock");
  EXPECT_EQ(e[1].payload["command_id"], UndoId("reserve_stock"));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensating);
  EXPECT_EQ(s.state().context["failure"], (Json{{"step", "charge_payment"}, {"reason", "card declined"}}));

  e = s.Do(Success(UndoId("reserve_stock"), kT0 + 30));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, FailureOfTheLastStepCompensatesTheEarlierOnesInReverse) {
  SagaInstance s = ChargedOrder();
  Events e = s.Do(Reply(DoId("approve_order"), "rejected", kT0 + 30, Json::object(), "order closed"));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "charge_payment");
  EXPECT_EQ(e[1].payload["payload"], (Json{{"order_id", "o-1"}, {"payment_id", "p-9"}}));

  e = s.Do(Success(UndoId("charge_payment"), kT0 + 40));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "reserve_stock");

  e = s.Do(Success(UndoId("reserve_stock"), kT0 + 50));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
}

TEST_F(SagaTest, AStepWithoutCompensateIsSkippedInCompensation) {
  SagaInstance s(saga_, "n-1");
  s.Do(StartSaga("Notify", {{"order_id", "o-1"}, {"vat_number", "V1"}}));
  s.Do(Success(DoId("reserve", "n-1"), kT0 + 1));
  s.Do(Success(DoId("email", "n-1"), kT0 + 2));
  Events e = s.Do(Failure(DoId("bill", "n-1"), kT0 + 3));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationSkipped, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "email");
  EXPECT_EQ(e[2].payload["step"], "reserve");
}

TEST_F(SagaTest, AnExpressionErrorFailsTheStepInsteadOfCrashing) {
  SagaInstance s(saga_, "n-1");
  s.Do(StartSaga("Notify", {{"order_id", "o-1"}}));  // no vat_number
  s.Do(Success(DoId("reserve", "n-1"), kT0 + 1));
  Events e = s.Do(Success(DoId("email", "n-1"), kT0 + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepFailed, saga::kCompensationSkipped,
                                    saga::kCompensationIssued));
  EXPECT_THAT(e[1].payload["reason"].get<std::string>(), ::testing::HasSubstr("vat_number"));
}

TEST_F(SagaTest, ACompensationThatFailsTransientlyIsResentWithBackoffUntilItSucceeds) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  Events first = s.Do(Failure(DoId("charge_payment"), kT0 + 20));
  EXPECT_EQ(first[1].payload["compensates"],
            (Json{{"command_id", DoId("reserve_stock")}, {"command_type", "ReserveStock"}, {"target", "sku-1"}}));
  std::int64_t now = kT0 + 30;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    Events e = s.Do(Transient(UndoId("reserve_stock"), now));
    ASSERT_THAT(Types(e), ElementsAre(saga::kAttemptFailed, saga::kRetryScheduled));
    std::int64_t at = e[1].payload["at_ms"];
    EXPECT_GT(at, now);
    EXPECT_EQ(NextDeadline(s.state()), at);
    EXPECT_TRUE(s.Do(Timer(at - 1)).empty()) << "nothing is due before at_ms";
    e = s.Do(Timer(at));
    ASSERT_THAT(Types(e), ElementsAre(saga::kCompensationIssued));
    EXPECT_EQ(e[0].payload["command_id"], UndoId("reserve_stock")) << "the same command, resent";
    EXPECT_EQ(e[0].payload["attempt"], attempt + 1);
    EXPECT_EQ(e[0].payload["payload"], first[1].payload["payload"]);
    now = at + 1;
  }
  Events e = s.Do(Success(UndoId("reserve_stock"), now));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, ACompensationThatNeverAnswersGetsStuckAndAnOperatorRetryResendsIt) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  s.Do(Failure(DoId("charge_payment"), kT0 + 20));
  std::int64_t now = kT0 + 30;
  int attempt = 1;
  while (s.state().status() != SagaStatus::kStuck) {
    ASSERT_LE(attempt, 11) << "compensation budget is 11 attempts";
    Events e = s.Do(Transient(UndoId("reserve_stock"), now, "db down"));
    if (e.back().type == saga::kRetryScheduled) {
      now = e.back().payload["at_ms"];
      s.Do(Timer(now));
      ++attempt;
    }
  }
  EXPECT_EQ(attempt, 11);
  EXPECT_THAT(s.state().stuck_reason, ::testing::HasSubstr("db down"));
  EXPECT_EQ(s.state().step("reserve_stock")->status, StepStatus::kCompensationFailed);
  EXPECT_FALSE(NextDeadline(s.state()).has_value()) << "a stuck saga waits for an operator";

  Events e = s.Do(Operator(saga::kRetry, now + 1000));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorRetried, saga::kCompensationIssued));
  EXPECT_EQ(e[0].payload["actor"], "alice");
  EXPECT_EQ(e[1].payload["command_id"], UndoId("reserve_stock")) << "its outcome is unknown: the same command";
  EXPECT_EQ(e[1].payload["attempt"], 12);
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensating);

  e = s.Do(Success(UndoId("reserve_stock"), now + 2000));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, ARefusedCompensationIsStuckAtOnceAndAnOperatorRetryIsANewCommand) {
  SagaInstance s = ChargedOrder();
  s.Do(Failure(DoId("approve_order"), kT0 + 30));
  Events e = s.Do(Reply(UndoId("charge_payment"), "failure", kT0 + 40, Json::object(), "account closed"));
  ASSERT_THAT(Types(e), ElementsAre(saga::kCompensationFailed, saga::kSagaStuck))
      << "a resend would be refused again";
  EXPECT_EQ(s.state().status(), SagaStatus::kStuck);
  EXPECT_THAT(s.state().stuck_reason, ::testing::HasSubstr("account closed"));

  e = s.Do(Operator(saga::kRetry, kT0 + 50,
                    {{"step", "charge_payment"}, {"payload", {{"order_id", "o-1"}, {"payment_id", "p-10"}}}}));
  ASSERT_THAT(Types(e), ElementsAre(saga::kOperatorRetried, saga::kCompensationIssued));
  EXPECT_EQ(e[0].payload["revision"], 2);
  EXPECT_EQ(e[1].payload["command_id"], UndoId("charge_payment") + "/rev2");
  EXPECT_EQ(e[1].payload["payload"]["payment_id"], "p-10");
  EXPECT_EQ(e[1].payload["compensates"]["command_id"], DoId("charge_payment"));
  // A late answer to the refused command changes nothing.
  e = s.Do(Success(UndoId("charge_payment"), kT0 + 55));
  EXPECT_THAT(Types(e), ElementsAre(saga::kDuplicateReplyIgnored));
  e = s.Do(Success(UndoId("charge_payment") + "/rev2", kT0 + 60));
  ASSERT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "reserve_stock");
}

TEST_F(SagaTest, ATimedOutStepIsResentWithTheSameCommandIdAndThenSucceeds) {
  SagaInstance s = NewOrder();
  EXPECT_EQ(NextDeadline(s.state()), kT0 + 5000);
  EXPECT_TRUE(s.Do(Timer(kT0 + 4999)).empty());
  Events e = s.Do(Timer(kT0 + 5000));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepTimedOut, saga::kRetryScheduled));
  std::int64_t at = e[1].payload["at_ms"];
  EXPECT_GE(at, kT0 + 5000 + 50);
  EXPECT_LE(at, kT0 + 5000 + 100);
  e = s.Do(Timer(at));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["command_id"], DoId("reserve_stock"));
  EXPECT_EQ(e[0].payload["attempt"], 2);
  EXPECT_EQ(e[0].payload["deadline_ms"], at + 5000);
  e = s.Do(ToAttempt(Success(DoId("reserve_stock"), at + 10), 2));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["late"], false);
}

TEST_F(SagaTest, ATransientAnswerToAnEarlierAttemptIsNotTakenForTheLatestOne) {
  SagaInstance s = NewOrder();
  s.Do(Timer(kT0 + 5000));
  s.Do(Timer(*NextDeadline(s.state())));  // attempt 2 sent
  ASSERT_EQ(s.state().step("reserve_stock")->attempts, 2);
  Events e = s.Do(ToAttempt(Transient(DoId("reserve_stock"), kT0 + 5200), 1));
  ASSERT_THAT(Types(e), ElementsAre(saga::kLateReplyIgnored));
  EXPECT_EQ(s.state().step("reserve_stock")->status, StepStatus::kRunning) << "attempt 2 is still out";
  // A success is definitive whichever attempt it answers.
  e = s.Do(ToAttempt(Success(DoId("reserve_stock"), kT0 + 5300), 1));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
}

TEST_F(SagaTest, BackoffIsDeterministicAndGrowsToItsCap) {
  SagaInstance a = NewOrder();
  SagaInstance b = NewOrder();
  std::int64_t now = kT0;
  std::vector<std::int64_t> delays;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    const std::int64_t deadline = *NextDeadline(a.state());
    now = deadline;
    Events ea = a.Do(Timer(now));
    Events eb = b.Do(Timer(now));
    EXPECT_EQ(AsJson(ea), AsJson(eb));
    std::int64_t at = ea[1].payload["at_ms"];
    delays.push_back(at - now);
    a.Do(Timer(at));
    b.Do(Timer(at));
  }
  for (std::size_t i = 0; i < delays.size(); ++i) {
    std::int64_t base = std::min<std::int64_t>(100LL << i, 2000);
    EXPECT_GE(delays[i], base / 2) << i;
    EXPECT_LE(delays[i], base) << i;
  }
  // The sixth attempt times out: the budget (retry 5 = 6 attempts) is spent,
  // and the step is in doubt, not failed: the saga compensates, resolving it.
  Events e = a.Do(Timer(*NextDeadline(a.state())));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepTimedOut, saga::kStepInDoubt, saga::kRetryScheduled));
  EXPECT_EQ(a.state().status(), SagaStatus::kCompensating);
}

TEST_F(SagaTest, ALateSuccessOfATimedOutAttemptCountsWhileTheStepStillWaits) {
  SagaInstance s = NewOrder();
  s.Do(Timer(kT0 + 5000));  // attempt 1 timed out, retry scheduled
  Events e = s.Do(Success(DoId("reserve_stock"), kT0 + 5010));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["late"], true);
  // ... so a later failure compensates it.
  e = s.Do(Failure(DoId("charge_payment"), kT0 + 5020));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "reserve_stock");
}

TEST_F(SagaTest, AStepWhoseRetriesAreSpentIsResolvedAndItsSuccessCompensated) {
  SagaInstance s = NewOrder();
  // Spend all six attempts: the step is in doubt, the saga compensates.
  while (s.state().status() == SagaStatus::kRunning) s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_EQ(s.state().status(), SagaStatus::kCompensating) << "never COMPENSATED with a step in doubt";
  EXPECT_EQ(s.state().context["failure"]["step"], "reserve_stock");
  Events e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepCommandIssued)) << "resolution resends the forward command";
  EXPECT_EQ(e[0].payload["command_id"], DoId("reserve_stock"));
  EXPECT_EQ(e[0].payload["attempt"], 7);
  // The participant had run it (attempt 3, say): its answer is the outcome.
  e = s.Do(ToAttempt(Success(DoId("reserve_stock"), kT0 + 60'000), 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kCompensationIssued));
  e = s.Do(Success(UndoId("reserve_stock"), kT0 + 60'010));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, AResolvedStepThatWasRefusedNeedsNoUndo) {
  SagaInstance s = NewOrder();
  while (s.state().status() == SagaStatus::kRunning) s.Do(Timer(*NextDeadline(s.state())));
  s.Do(Timer(*NextDeadline(s.state())));
  Events e = s.Do(Failure(DoId("reserve_stock"), kT0 + 60'000, "out of stock"));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, AnInDoubtStepOutOfResolutionBudgetIsStuckNamingIt) {
  SagaInstance s = NewOrder();
  std::int64_t now = kT0;
  while (s.state().status() != SagaStatus::kStuck) {
    ASSERT_LT(now, kT0 + 10'000'000) << "resolution must end";
    now = *NextDeadline(s.state());
    s.Do(Timer(now));
  }
  const StepState& st = *s.state().step("reserve_stock");
  EXPECT_EQ(st.status, StepStatus::kInDoubt);
  EXPECT_EQ(st.attempts, 6 + 10) << "retry 5 (6 attempts), then resolve retry 10 (the default)";
  EXPECT_THAT(s.state().stuck_reason, ::testing::HasSubstr("step reserve_stock is in doubt"));
  EXPECT_FALSE(NextDeadline(s.state()).has_value());
  // A success arriving now still counts, and is compensated.
  Events e = s.Do(Success(DoId("reserve_stock"), now + 1));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kCompensationIssued));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensating);
}

TEST_F(SagaTest, ALateRefusalOfTheStepItIsStuckOnEndsTheCompensation) {
  // Found by the simulation (seed 125): the saga stayed STUCK on a step
  // that had been settled by a late answer, and no operator action applied.
  SagaInstance s = NewOrder();
  while (s.state().status() != SagaStatus::kStuck) s.Do(Timer(*NextDeadline(s.state())));
  Events e = s.Do(ToAttempt(Failure(DoId("reserve_stock"), kT0 + 10'000'000, "out of stock"), 1));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kSagaCompensated, saga::kFinalCommandIssued));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
}

TEST_F(SagaTest, AParallelStepInDoubtWhenItsSiblingFailsIsResolvedNotAbandoned) {
  // The case from the field: pick, then book_courier and print_label in
  // parallel; book_courier's attempt 1 did the work but answered 500, then
  // print_label is refused.
  SagaInstance s(saga_, "s-1");
  s.Do(StartSaga("Shipping", {{"order_id", "o-1"}}));
  s.Do(Success(DoId("pick", "s-1"), kT0 + 1));
  Events e = s.Do(Transient(DoId("book_courier", "s-1"), kT0 + 2, "HTTP 500"));
  ASSERT_THAT(Types(e), ElementsAre(saga::kAttemptFailed, saga::kRetryScheduled));
  e = s.Do(Failure(DoId("print_label", "s-1"), kT0 + 3, "printer says no"));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepFailed)) << "nothing abandoned, nothing undone yet";
  EXPECT_EQ(s.state().step("book_courier")->status, StepStatus::kRetryWaiting);
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepCommandIssued));
  EXPECT_EQ(e[0].payload["command_id"], DoId("book_courier", "s-1"));
  EXPECT_EQ(e[0].payload["attempt"], 2);
  // The participant answers the resend with its first answer: booked.
  e = s.Do(Success(DoId("book_courier", "s-1"), kT0 + 400));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "book_courier");
  ExpectBookingThenPickUndone(s, kT0 + 500);
  EXPECT_EQ(s.state().step("book_courier")->status, StepStatus::kCompensated);
}

TEST_F(SagaTest, ACompensatedSagaIsFinalAndItsFinalCommandIsIssuedOnce) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  s.Do(Failure(DoId("charge_payment"), kT0 + 20));
  s.Do(Success(UndoId("reserve_stock"), kT0 + 30));
  ASSERT_EQ(s.state().status(), SagaStatus::kCompensated);
  Events e = s.Do(Success(DoId("charge_payment"), kT0 + 40));
  EXPECT_THAT(Types(e), ElementsAre(saga::kDuplicateReplyIgnored));
  EXPECT_EQ(s.state().finals.pending.size(), 1u);
  e = s.Do(Success("o-1/final/on_compensated", kT0 + 50));
  EXPECT_THAT(Types(e), ElementsAre(saga::kFinalCommandAcknowledged));
  EXPECT_TRUE(s.Do(Timer(kT0 + 1'000'000)).empty());
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
  EXPECT_FALSE(ActivityOf(s.state()).active);
}

TEST_F(SagaTest, AFinalCommandIsResentAfterATransientAnswerOrNoneUntilItIsAcknowledged) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Failure(DoId("reserve_stock"), kT0 + 10, "out of stock"));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kSagaCompensated, saga::kFinalCommandIssued));
  const std::string final_id = "o-1/final/on_compensated";
  EXPECT_EQ(e[2].payload["command_id"], final_id);
  e = s.Do(Transient(final_id, kT0 + 20));
  ASSERT_THAT(Types(e), ElementsAre(saga::kFinalCommandRetryScheduled)) << "a transient answer is no acknowledgement";
  EXPECT_TRUE(ActivityOf(s.state()).active) << "the saga waits for its final command";
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kFinalCommandIssued));
  EXPECT_EQ(e[0].payload["attempt"], 2);
  EXPECT_EQ(e[0].payload["command_id"], final_id);
  // No answer at all: after its deadline it is resent again.
  e = s.Do(Timer(*NextDeadline(s.state())));
  ASSERT_THAT(Types(e), ElementsAre(saga::kFinalCommandRetryScheduled));
  s.Do(Timer(*NextDeadline(s.state())));
  e = s.Do(ToAttempt(Success(final_id, kT0 + 100'000), 3));
  EXPECT_THAT(Types(e), ElementsAre(saga::kFinalCommandAcknowledged));
  EXPECT_EQ(s.state().status(), SagaStatus::kCompensated);
  EXPECT_FALSE(ActivityOf(s.state()).active);
}

TEST_F(SagaTest, AReplyCanBeClassifiedByTheStepsSuccessAndFailureEvents) {
  SagaInstance s = NewOrder();
  auto event = [](const std::string& id, const std::string& type, std::int64_t now) {
    return Cmd(saga::kHandleReply, Json{{"command_id", id}, {"outcome", "event"}, {"event_type", type},
                                        {"data", {{"payment_id", "p-3"}}}, {"now_ms", now}});
  };
  Events e = s.Do(event(DoId("reserve_stock"), "inventory.Restocked", kT0 + 1));
  ASSERT_THAT(Types(e), ElementsAre(saga::kLateReplyIgnored)) << "not an outcome of this step";
  EXPECT_EQ(s.state().step("reserve_stock")->status, StepStatus::kRunning);
  e = s.Do(event(DoId("reserve_stock"), "inventory.StockReserved", kT0 + 2));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  e = s.Do(event(DoId("charge_payment"), "PaymentDeclined", kT0 + 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[0].payload["reason"], "PaymentDeclined");
  e = s.Do(event(UndoId("reserve_stock"), "inventory.StockReleased", kT0 + 4));
  EXPECT_THAT(Types(e), ElementsAre(saga::kCompensationSucceeded, saga::kSagaCompensated, saga::kFinalCommandIssued));
}

TEST_F(SagaTest, AnInstanceWhoseDefinitionIsNotLoadedRefusesToDecide) {
  SagaInstance s = NewOrder();
  DefinitionCatalog empty;
  auto other = MakeSagaAggregate(&empty);
  Spec(*other, "o-1").Given(s.history()).When(Timer(kT0 + 10'000))
      .ThenFails(StatusCode::kFailedPrecondition, "PlaceOrder version 1");
}

TEST_F(SagaTest, ADuplicateReplyIsRecordedAndIgnored) {
  SagaInstance s = NewOrder();
  s.Do(Success(DoId("reserve_stock"), kT0 + 10));
  Json before = SagaStateToJson(s.state());
  Spec(*saga_, "o-1")
      .Given(s.history())
      .When(Success(DoId("reserve_stock"), kT0 + 11))
      .Then({{saga::kDuplicateReplyIgnored,
              {{"command_id", DoId("reserve_stock")},
               {"attempt", 1},
               {"outcome", "success"},
               {"event_type", ""},
               {"reason", "success"},
               {"why", "this command's outcome is already recorded"}}}});
  s.Do(Success(DoId("reserve_stock"), kT0 + 11));
  EXPECT_EQ(SagaStateToJson(s.state()), before);
}

TEST_F(SagaTest, AReplyToAnUnknownCommandIsRecordedAndIgnored) {
  SagaInstance s = NewOrder();
  Events e = s.Do(Success("o-1/nope/do", kT0 + 10));
  ASSERT_THAT(Types(e), ElementsAre(saga::kLateReplyIgnored));
  EXPECT_EQ(e[0].payload["why"], "unknown command id");
  EXPECT_EQ(s.state().step("reserve_stock")->status, StepStatus::kRunning);
}

TEST_F(SagaTest, ParallelStepsAreIssuedTogetherAndTheJoinWaitsForBoth) {
  SagaInstance s(saga_, "s-1");
  s.Do(StartSaga("Shipping", {{"order_id", "o-1"}}));
  Events e = s.Do(Success(DoId("pick", "s-1"), kT0 + 1));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["step"], "book_courier");
  EXPECT_EQ(e[2].payload["step"], "print_label");
  e = s.Do(Success(DoId("book_courier", "s-1"), kT0 + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepSucceeded));
  e = s.Do(Success(DoId("print_label", "s-1"), kT0 + 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kStepCommandIssued));
  EXPECT_EQ(e[1].payload["step"], "hand_over");
}

TEST_F(SagaTest, AFailedParallelBranchCompensatesTheCompletedOneThenTheirParent) {
  SagaInstance s(saga_, "s-1");
  s.Do(StartSaga("Shipping", {{"order_id", "o-1"}}));
  s.Do(Success(DoId("pick", "s-1"), kT0 + 1));
  s.Do(Success(DoId("book_courier", "s-1"), kT0 + 2));
  Events e = s.Do(Failure(DoId("print_label", "s-1"), kT0 + 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepFailed, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "book_courier");
  ExpectBookingThenPickUndone(s, kT0 + 4);
}

TEST_F(SagaTest, CompensationOfAParentWaitsForABranchStillRunning) {
  SagaInstance s(saga_, "s-1");
  s.Do(StartSaga("Shipping", {{"order_id", "o-1"}}));
  s.Do(Success(DoId("pick", "s-1"), kT0 + 1));
  Events e = s.Do(Failure(DoId("print_label", "s-1"), kT0 + 2));
  EXPECT_THAT(Types(e), ElementsAre(saga::kStepFailed)) << "pick waits: book_courier may still succeed";
  e = s.Do(Success(DoId("book_courier", "s-1"), kT0 + 3));
  ASSERT_THAT(Types(e), ElementsAre(saga::kStepSucceeded, saga::kCompensationIssued));
  EXPECT_EQ(e[1].payload["step"], "book_courier");
}

TEST_F(SagaTest, CommandsToSendAreExactlyTheIssuedCommands) {
  SagaInstance s(saga_, "s-1");
  s.Do(StartSaga("Shipping", {{"order_id", "o-1"}}));
  Events decided = s.Do(Success(DoId("pick", "s-1"), kT0 + 1));
  std::vector<Event> committed;
  for (const EventData& d : decided) {
    Event e;
    e.stream = {"Saga", "s-1"};
    e.type = d.type;
    e.payload = d.payload;
    committed.push_back(e);
  }
  std::vector<OutgoingCommand> out = CommandsToSend(committed);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0],
            (OutgoingCommand{"s-1/book_courier/do", 1, "courier", "Book", "o-1", Json::object(), "s-1", true, std::nullopt}));
  EXPECT_EQ(out[1].command_id, "s-1/print_label/do");
  std::vector<OutgoingCommand> outstanding = OutstandingCommands(s.state());
  EXPECT_EQ(outstanding.size(), 2u);
}

TEST_F(SagaTest, ASnapshotRestoresTheReplayedState) {
  SagaInstance s = ChargedOrder();
  s.Do(Failure(DoId("approve_order"), kT0 + 30));
  s.Do(Transient(UndoId("charge_payment"), kT0 + 40));
  Json snapshot = s.behavior().Snapshot(*[&] {
    // A fresh replay of the history.
    auto box = s.behavior().NewState();
    std::int64_t v = 0;
    for (const EventData& d : s.history()) {
      Event e;
      e.version = ++v;
      e.type = d.type;
      e.payload = d.payload;
      s.behavior().Evolve(*box, e);
    }
    return box;
  }());
  EXPECT_EQ(snapshot, SagaStateToJson(s.state()));
  Result<std::unique_ptr<StateBox>> restored = s.behavior().Restore(snapshot);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  const SagaState& r = SagaAggregate::Unbox(**restored);
  EXPECT_EQ(SagaStateToJson(r), snapshot);
  EXPECT_TRUE(r.definition != nullptr);
  EXPECT_EQ(r.status(), SagaStatus::kCompensating);
  // The restored state decides like the original.
  Command timer = Timer(kT0 + 100'000);
  timer.target = {"Saga", "o-1"};
  EXPECT_EQ(AsJson(s.behavior().Decide(**restored, timer).value()), AsJson(s.Decide(Timer(kT0 + 100'000)).value()));
  EXPECT_EQ(s.behavior().Restore(Json{{"phase", 1}}).status().code(), StatusCode::kCorruption);
}

// A damaged snapshot whose steps disagree with the definition is refused
// (the runtime then replays the events) rather than decided on: deciding
// looks each step up by the definition's names (found by the snapshot fuzzer).
TEST_F(SagaTest, ASnapshotWhoseStepsDisagreeWithTheDefinitionIsCorruption) {
  SagaInstance s = ChargedOrder();
  Json snapshot = SagaStateToJson(s.state());
  Json missing = snapshot;
  missing["steps"].erase("approve_order");
  EXPECT_EQ(s.behavior().Restore(missing).status().code(), StatusCode::kCorruption);
  Json extra = snapshot;
  extra["steps"]["ship"] = snapshot["steps"]["approve_order"];
  EXPECT_EQ(s.behavior().Restore(extra).status().code(), StatusCode::kCorruption);
  Json unknown_command = snapshot;
  unknown_command["commands"]["o-1/ship/do"] = {{"step", "ship"}, {"phase", "do"}, {"attempt", 1}, {"answered", false}};
  EXPECT_EQ(s.behavior().Restore(unknown_command).status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(s.behavior().Restore(snapshot).ok());
}

}  // namespace
}  // namespace sagad::coordinator
