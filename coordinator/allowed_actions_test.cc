// Which operator actions are offered for an instance: those its aggregate's
// Decide accepts in its current state, no more (a finished instance gets
// none) and no fewer (a STUCK one gets its retry).
#include "coordinator/allowed_actions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/coordinator_test_support.h"

namespace sagad::coordinator {
namespace {

using namespace testing;  // NOLINT
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

OperatorAction Retry(std::string step = "") { return {.action = "retry", .step = std::move(step)}; }
OperatorAction RetryBranch(std::string branch) { return {.action = "retry", .branch = std::move(branch)}; }
OperatorAction Skip(std::string step) { return {.action = "skip", .step = std::move(step)}; }
OperatorAction Abort(bool compensate) { return {.action = "abort", .compensate = compensate}; }
const OperatorAction kPause{.action = "pause"};
const OperatorAction kResume{.action = "resume"};

// The command a step (or its compensation) is waiting on, read from the
// state rather than spelled out, so the tests do not depend on how ids are made.
std::string OutstandingId(const SagaInstance& s, const std::string& step) {
  const StepState* st = s.state().step(step);
  EXPECT_TRUE(st && st->outstanding) << step << " has no outstanding command";
  return st && st->outstanding ? st->outstanding->command_id : "";
}

class AllowedActionsTest : public SagaFixture {
 protected:
  std::vector<OperatorAction> Allowed(const SagaInstance& s) {
    TypedStateBox<SagaState> box(s.state());
    return AllowedActions(*saga_, box);
  }
  std::vector<OperatorAction> Allowed(const TccInstance& t) {
    TypedStateBox<TccState> box(t.state());
    return AllowedActions(*tcc_, box);
  }

  // reserve_stock succeeds, charge_payment is declined, and the release of
  // the stock fails transiently until its budget is spent: STUCK.
  SagaInstance StuckOrder() {
    SagaInstance s = NewOrder();
    s.Do(Success(OutstandingId(s, "reserve_stock"), kT0 + 1));
    s.Do(Failure(OutstandingId(s, "charge_payment"), kT0 + 2, "insufficient funds"));
    std::int64_t now = kT0 + 3;
    for (int i = 0; i < 50 && s.state().status() == SagaStatus::kCompensating; ++i) {
      const StepState& st = *s.state().step("reserve_stock");
      if (st.outstanding) {
        s.Do(Transient(st.outstanding->command_id, now, "warehouse offline"));
      } else {
        now = std::max(now, st.retry_at_ms);
        s.Do(Timer(now));
      }
      ++now;
    }
    EXPECT_EQ(s.state().status(), SagaStatus::kStuck);
    return s;
  }

  std::shared_ptr<TccAggregate> tcc_ = MakeTccAggregate(catalog_.get());
};

TEST_F(AllowedActionsTest, AFinishedSagaOffersNothing) {
  SagaInstance compensated = NewOrder();
  compensated.Do(Failure(OutstandingId(compensated, "reserve_stock"), kT0 + 1, "out of stock"));
  ASSERT_EQ(compensated.state().status(), SagaStatus::kCompensated);
  EXPECT_THAT(Allowed(compensated), IsEmpty());

  SagaInstance completed = NewOrder();
  completed.Do(Success(OutstandingId(completed, "reserve_stock"), kT0 + 1));
  completed.Do(Success(OutstandingId(completed, "charge_payment"), kT0 + 2, {{"payment_id", "p-1"}}));
  completed.Do(Success(OutstandingId(completed, "approve_order"), kT0 + 3));
  ASSERT_EQ(completed.state().status(), SagaStatus::kCompleted);
  EXPECT_THAT(Allowed(completed), IsEmpty());
}

TEST_F(AllowedActionsTest, AStuckSagaOffersTheRetryOfItsStuckCompensationAndAbortWithoutUndo) {
  SagaInstance s = StuckOrder();
  std::vector<OperatorAction> allowed = Allowed(s);
  EXPECT_THAT(allowed, Contains(Retry()));
  EXPECT_THAT(allowed, Contains(Retry("reserve_stock")));
  EXPECT_THAT(allowed, Contains(Abort(false)));
  EXPECT_THAT(allowed, Contains(kPause));
  EXPECT_THAT(allowed, Not(Contains(Abort(true)))) << "it is already compensating";
  EXPECT_THAT(allowed, Not(Contains(kResume))) << "it is not paused";
  EXPECT_THAT(allowed, Not(Contains(Retry("approve_order")))) << "a step that never ran";
  EXPECT_THAT(allowed, Not(Contains(Skip("approve_order"))));
  EXPECT_THAT(allowed, Not(Contains(Retry("charge_payment")))) << "declined for good: nothing to retry";
}

TEST_F(AllowedActionsTest, APausedSagaOffersResumeAndNoRetry) {
  SagaInstance s = NewOrder();
  s.Do(Operator(saga::kPause, kT0 + 1));
  std::vector<OperatorAction> allowed = Allowed(s);
  EXPECT_THAT(allowed, Contains(kResume));
  EXPECT_THAT(allowed, Not(Contains(kPause)));
  EXPECT_THAT(allowed, Not(Contains(Retry("reserve_stock")))) << "a paused saga is resumed first";
}

TEST_F(AllowedActionsTest, ARunningSagaCanBePausedOrAbortedEitherWay) {
  SagaInstance s = NewOrder();
  std::vector<OperatorAction> allowed = Allowed(s);
  EXPECT_THAT(allowed, Contains(kPause));
  EXPECT_THAT(allowed, Contains(Abort(true)));
  EXPECT_THAT(allowed, Contains(Abort(false)));
  EXPECT_THAT(allowed, Not(Contains(kResume)));
  EXPECT_THAT(allowed, Not(Contains(Retry()))) << "nothing is stuck";
}

// The probe's fixed time and actor give the answer a real operator gets.
TEST_F(AllowedActionsTest, EveryOfferedActionIsAcceptedFromAnOperatorAtAnotherTime) {
  SagaInstance s = StuckOrder();
  for (const OperatorAction& a : Allowed(s)) {
    Json body = a.ToJson();
    body.erase("action");
    std::string type = a.action;
    type[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(type[0])));
    EXPECT_TRUE(s.Decide(Operator(type, kT0 + 100'000, body)).ok()) << a.ToJson().dump();
  }
}

TEST_F(AllowedActionsTest, ATccIsRetriedOnlyWhenStuckAndOnlyOnItsStuckBranch) {
  TccInstance t(tcc_, "t-1");
  t.Do(StartTcc({{"transfer_id", "t-1"}, {"from", "acc-a"}, {"to", "acc-b"}, {"amount", 5}}));
  EXPECT_THAT(Allowed(t), IsEmpty()) << "trying: nothing for an operator";
  auto outstanding = [&](const char* branch, const char* phase) {
    const TccAction& a = t.state().branches.at(branch).Phase(phase);
    return a.outstanding ? a.outstanding->command_id : "";
  };
  t.Do(Success(outstanding("debit", "try"), kT0 + 1));
  t.Do(Success(outstanding("credit", "try"), kT0 + 2));
  t.Do(Success(outstanding("credit", "confirm"), kT0 + 3));
  std::int64_t now = kT0 + 4;
  for (int i = 0; i < 50 && t.state().status() == TccStatus::kConfirming; ++i) {
    const TccAction& confirm = t.state().branches.at("debit").confirm;
    if (confirm.outstanding) {
      t.Do(Transient(confirm.outstanding->command_id, now, "bank offline"));
    } else {
      now = std::max(now, confirm.retry_at_ms);
      t.Do(Timer(now));
    }
    ++now;
  }
  ASSERT_EQ(t.state().status(), TccStatus::kStuck);
  std::vector<OperatorAction> allowed = Allowed(t);
  EXPECT_THAT(allowed, Contains(RetryBranch("")));
  EXPECT_THAT(allowed, Contains(RetryBranch("debit")));
  EXPECT_THAT(allowed, Not(Contains(RetryBranch("credit")))) << "confirmed already";
}

TEST(OperatorActionTest, TheJsonNamesOnlyWhatTheActionTakes) {
  EXPECT_EQ(ActionsJson({Retry("charge_payment"), Abort(false), kPause}),
            (Json::parse(R"([{"action":"retry","step":"charge_payment"},{"action":"abort","compensate":false},
                             {"action":"pause"}])")));
  EXPECT_EQ(RetryBranch("debit").ToJson(), (Json{{"action", "retry"}, {"branch", "debit"}}));
  EXPECT_EQ(ActionsJson({}), Json::array());
}

}  // namespace
}  // namespace sagad::coordinator
