// Specifications of the tcc process manager: try all in parallel, then
// confirm all or cancel all; confirm/cancel retried until done or STUCK.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/coordinator_test_support.h"
#include "core/testing/given_when_then.h"

namespace sagad::coordinator {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;
using sagad::testing::Spec;

// The command id of a branch's phase: the same for every attempt.
std::string Id(const std::string& branch, const std::string& phase) { return "t-1/" + branch + "/" + phase; }

class TccTest : public ::testing::Test {
 protected:
  std::shared_ptr<DefinitionCatalog> catalog_ = TestCatalog();
  std::shared_ptr<TccAggregate> tcc_ = MakeTccAggregate(catalog_.get());

  TccInstance NewTransfer() {
    TccInstance t(tcc_, "t-1");
    Events e = t.Do(StartTcc({{"transfer_id", "t-1"}, {"from", "acc-a"}, {"to", "acc-b"}, {"amount", 5}}));
    EXPECT_THAT(Types(e), ElementsAre(tcc::kTccStarted, tcc::kTryIssued, tcc::kTryIssued));
    return t;
  }
};

TEST_F(TccTest, StartTriesEveryBranchInParallelWithTheGlobalDeadline) {
  TccInstance t = NewTransfer();
  const Events& h = t.history();
  EXPECT_EQ(h[1].payload["command_id"], Id("debit", "try"));
  EXPECT_EQ(h[1].payload["target"], "acc-a");
  EXPECT_EQ(h[1].payload["payload"], (Json{{"transfer_id", "t-1"}, {"amount", 5}}));
  EXPECT_EQ(h[1].payload["deadline_ms"], kT0 + 10'000);
  EXPECT_EQ(h[2].payload["command_id"], Id("credit", "try"));
  EXPECT_EQ(t.state().status(), TccStatus::kTrying);
  EXPECT_EQ(NextDeadline(t.state()), kT0 + 10'000);
  Spec(*tcc_, "t-1").Given(t.history()).When(StartTcc({{"transfer_id", "t-1"}})).ThenNothing();
}

TEST_F(TccTest, AllTriesSucceededConfirmsAll) {
  TccInstance t = NewTransfer();
  EXPECT_THAT(Types(t.Do(Success(Id("debit", "try"), kT0 + 1))), ElementsAre(tcc::kTrySucceeded));
  Events e = t.Do(Success(Id("credit", "try"), kT0 + 2));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kTrySucceeded, tcc::kTccDecided, tcc::kConfirmIssued, tcc::kConfirmIssued));
  EXPECT_EQ(e[2].payload["command_type"], "ConfirmDebit");
  EXPECT_EQ(t.state().status(), TccStatus::kConfirming);
  t.Do(Success(Id("debit", "confirm"), kT0 + 3));
  e = t.Do(Success(Id("credit", "confirm"), kT0 + 4));
  EXPECT_THAT(Types(e), ElementsAre(tcc::kConfirmSucceeded, tcc::kTccConfirmed));
  EXPECT_EQ(t.state().status(), TccStatus::kConfirmed);
  EXPECT_TRUE(OutstandingCommands(t.state()).empty());
}

TEST_F(TccTest, OneRefusedTryCancelsEveryBranchEvenOnesStillTrying) {
  TccInstance t = NewTransfer();
  Events e = t.Do(Reply(Id("debit", "try"), "rejected", kT0 + 1, Json::object(), "insufficient funds"));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kTryFailed, tcc::kTccDecided, tcc::kCancelIssued, tcc::kCancelIssued));
  EXPECT_EQ(e[1].payload["decision"], "cancel");
  EXPECT_EQ(e[3].payload["command_type"], "CancelCredit");
  EXPECT_EQ(t.state().status(), TccStatus::kCancelling);
  // The credit try answers after the decision: the cancel covers it.
  EXPECT_THAT(Types(t.Do(Success(Id("credit", "try"), kT0 + 2))), ElementsAre(tcc::kLateReplyIgnored));
  t.Do(Success(Id("debit", "cancel"), kT0 + 3));
  e = t.Do(Success(Id("credit", "cancel"), kT0 + 4));
  EXPECT_THAT(Types(e), ElementsAre(tcc::kCancelSucceeded, tcc::kTccCancelled));
  EXPECT_EQ(t.state().status(), TccStatus::kCancelled);
}

TEST_F(TccTest, TheTimeoutCancelsEveryBranch) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  EXPECT_TRUE(t.Do(Timer(kT0 + 9'999)).empty());
  Events e = t.Do(Timer(kT0 + 10'000));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kTccTimedOut, tcc::kTccDecided, tcc::kCancelIssued, tcc::kCancelIssued));
  EXPECT_EQ(e[2].payload["branch"], "debit");
  EXPECT_EQ(e[3].payload["branch"], "credit");
}

TEST_F(TccTest, ATransientTryFailureIsRetriedBeforeTheDeadline) {
  TccInstance t = NewTransfer();
  Events e = t.Do(Transient(Id("credit", "try"), kT0 + 1));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kAttemptFailed, tcc::kRetryScheduled));
  e = t.Do(Timer(e[1].payload["at_ms"]));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kTryIssued));
  EXPECT_EQ(e[0].payload["command_id"], Id("credit", "try"));
  EXPECT_EQ(e[0].payload["attempt"], 2);
}

TEST_F(TccTest, ATryInDoubtAtTheDeadlineIsCancelledLikeTheOthers) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  t.Do(Transient(Id("credit", "try"), kT0 + 2, "HTTP 500 after the work was done"));
  Events e = t.Do(Timer(kT0 + 10'000));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kTccTimedOut, tcc::kTccDecided, tcc::kCancelIssued, tcc::kCancelIssued));
  EXPECT_EQ(e[3].payload["command_id"], Id("credit", "cancel")) << "the barrier cancels a try that ran";
}

TEST_F(TccTest, ARefusedConfirmIsStuckAtOnceAndAnOperatorRetryIsANewCommand) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  t.Do(Success(Id("credit", "try"), kT0 + 2));
  t.Do(Success(Id("credit", "confirm"), kT0 + 3));
  Events e = t.Do(Failure(Id("debit", "confirm"), kT0 + 4, "account frozen"));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kAttemptFailed, tcc::kTccStuck)) << "a resend would be refused again";
  EXPECT_THAT(t.state().reason, ::testing::HasSubstr("account frozen"));
  e = t.Do(Operator(tcc::kRetry, kT0 + 5));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kOperatorRetried, tcc::kConfirmIssued));
  EXPECT_EQ(e[1].payload["command_id"], Id("debit", "confirm") + "/rev2");
  e = t.Do(Success(Id("debit", "confirm") + "/rev2", kT0 + 6));
  EXPECT_THAT(Types(e), ElementsAre(tcc::kConfirmSucceeded, tcc::kTccConfirmed));
}

TEST_F(TccTest, AConfirmIsRetriedThenTheTransactionIsStuck) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  t.Do(Success(Id("credit", "try"), kT0 + 2));
  t.Do(Success(Id("credit", "confirm"), kT0 + 3));
  int attempt = 1;
  std::int64_t now = kT0 + 4;
  while (t.state().status() == TccStatus::kConfirming) {
    ASSERT_LE(attempt, 11);
    Events e = t.Do(Transient(Id("debit", "confirm"), now));
    if (e.back().type == tcc::kRetryScheduled) {
      now = e.back().payload["at_ms"];
      Events issued = t.Do(Timer(now));
      ASSERT_THAT(Types(issued), ElementsAre(tcc::kConfirmIssued));
      ++attempt;
    }
  }
  EXPECT_EQ(attempt, 11);
  EXPECT_EQ(t.state().status(), TccStatus::kStuck);
  EXPECT_THAT(t.state().reason, ::testing::HasSubstr("confirm of branch debit failed after 11 attempts"));

  // An operator retries it; this time it succeeds.
  Events e = t.Do(Operator(tcc::kRetry, now + 1000));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kOperatorRetried, tcc::kConfirmIssued));
  EXPECT_EQ(e[1].payload["command_id"], Id("debit", "confirm")) << "its outcome is unknown: the same command";
  EXPECT_EQ(e[1].payload["attempt"], 12);
  EXPECT_EQ(t.state().status(), TccStatus::kConfirming);
  e = t.Do(Success(Id("debit", "confirm"), now + 2000));
  EXPECT_THAT(Types(e), ElementsAre(tcc::kConfirmSucceeded, tcc::kTccConfirmed));
}

TEST_F(TccTest, RetryOfATransactionThatIsNotStuckIsRefused) {
  TccInstance t = NewTransfer();
  Spec(*tcc_, "t-1").Given(t.history()).When(Operator(tcc::kRetry, kT0 + 1))
      .ThenFails(StatusCode::kFailedPrecondition, "TRYING");
}

TEST_F(TccTest, AConfirmWithoutReplyTimesOutAndIsRetried) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  t.Do(Success(Id("credit", "try"), kT0 + 2));
  Events e = t.Do(Timer(kT0 + 2 + 10'000));
  ASSERT_THAT(Types(e), ElementsAre(tcc::kAttemptFailed, tcc::kRetryScheduled, tcc::kAttemptFailed,
                                    tcc::kRetryScheduled));
  // A late success of the timed-out confirm still counts.
  e = t.Do(ToAttempt(Success(Id("debit", "confirm"), kT0 + 10'003), 1));
  EXPECT_THAT(Types(e), ElementsAre(tcc::kConfirmSucceeded));
}

TEST_F(TccTest, ASnapshotRestoresTheReplayedState) {
  TccInstance t = NewTransfer();
  t.Do(Success(Id("debit", "try"), kT0 + 1));
  t.Do(Failure(Id("credit", "try"), kT0 + 2));
  Json snapshot = TccStateToJson(t.state());
  Result<std::unique_ptr<StateBox>> restored = t.behavior().Restore(snapshot);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(TccStateToJson(TccAggregate::Unbox(**restored)), snapshot);
  EXPECT_EQ(TccAggregate::Unbox(**restored).status(), TccStatus::kCancelling);
}

TEST_F(TccTest, ASnapshotWhoseBranchesDisagreeWithTheDefinitionIsCorruption) {
  TccInstance t = NewTransfer();
  Json snapshot = TccStateToJson(t.state());
  Json missing = snapshot;
  missing["branches"].erase("credit");
  EXPECT_EQ(t.behavior().Restore(missing).status().code(), StatusCode::kCorruption);
  Json unknown_command = snapshot;
  unknown_command["commands"]["t-1/fee/try"] = {{"branch", "fee"}, {"phase", "try"}, {"attempt", 1}, {"answered", false}};
  EXPECT_EQ(t.behavior().Restore(unknown_command).status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(t.behavior().Restore(snapshot).ok());
}

}  // namespace
}  // namespace sagad::coordinator
