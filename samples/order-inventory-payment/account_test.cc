#include "samples/order-inventory-payment/account.h"

#include "core/testing/given_when_then.h"

namespace sagad::sample {
namespace {

using sagad::testing::Spec;

const EventData kOpened{"AccountOpened", {{"account_id", "alice"}, {"balance", 1000}}};
const EventData kChargedO1{"PaymentCharged",
                           {{"order_id", "o-1"}, {"payment_id", "pay:alice:o-1"}, {"amount", 300}, {"balance", 700}}};
const EventData kRefundedO1{"PaymentRefunded",
                            {{"order_id", "o-1"}, {"payment_id", "pay:alice:o-1"}, {"amount", 300}, {"balance", 1000}}};
const EventData kDebitTried{"DebitTried", {{"transfer_id", "t-1"}, {"amount", 600}}};
const EventData kDebitConfirmed{"DebitConfirmed", {{"transfer_id", "t-1"}, {"amount", 600}}};
const EventData kDebitCancelled{"DebitCancelled", {{"transfer_id", "t-1"}, {"amount", 600}}};
const EventData kCreditTried{"CreditTried", {{"transfer_id", "t-1"}, {"amount", 50}}};
const EventData kCreditConfirmed{"CreditConfirmed", {{"transfer_id", "t-1"}, {"amount", 50}}};
const Json kT1 = {{"transfer_id", "t-1"}};

class AccountSpec : public ::testing::Test {
 protected:
  Spec Alice() { return Spec(*type_, "alice"); }
  const Account& StateOf(const Spec& spec) { return AggregateDefinition<Account>::Unbox(spec.state()); }
  std::shared_ptr<AggregateDefinition<Account>> type_ = MakeAccountType();
};

TEST_F(AccountSpec, OpeningAnAccountOnce) {
  Alice().When("OpenAccount", {{"balance", 1000}}).Then({kOpened});
  Alice().Given({kOpened}).When("OpenAccount", {{"balance", 5}}).ThenRejected("already open");
  Alice().When("OpenAccount", {{"balance", -5}}).ThenFails(StatusCode::kInvalidArgument, "'balance'");
}

TEST_F(AccountSpec, ChargingAnOrderCarriesThePaymentIdTheSagaCaptures) {
  Alice().Given({kOpened}).When("Charge", {{"order_id", "o-1"}, {"amount", 300}}).Then({kChargedO1});
}

TEST_F(AccountSpec, ChargingBeyondTheBalanceIsDeclined) {
  Alice()
      .Given({kOpened, kChargedO1})
      .When("Charge", {{"order_id", "o-2"}, {"amount", 701}})
      .Then({{"PaymentDeclined",
              {{"order_id", "o-2"}, {"amount", 701}, {"reason", "insufficient funds: 700 available, 701 asked"}}}});
}

TEST_F(AccountSpec, AChargeOverThePerPaymentLimitIsDeclinedEvenWithTheMoneyThere) {
  const EventData rich{"AccountOpened", {{"account_id", "alice"}, {"balance", 3 * kPaymentLimit}}};
  Alice()
      .Given({rich})
      .When("Charge", {{"order_id", "o-1"}, {"amount", kPaymentLimit + 1}})
      .Then({{"PaymentDeclined",
              {{"order_id", "o-1"},
               {"amount", kPaymentLimit + 1},
               {"reason", "over the per-payment limit: 10001 asked, 10000 allowed"}}}});
  Alice()
      .Given({rich})
      .When("Charge", {{"order_id", "o-1"}, {"amount", kPaymentLimit}})
      .Then({{"PaymentCharged",
              {{"order_id", "o-1"},
               {"payment_id", "pay:alice:o-1"},
               {"amount", kPaymentLimit},
               {"balance", 2 * kPaymentLimit}}}});
}

TEST_F(AccountSpec, ChargingAnAccountNeverOpenedIsDeclined) {
  Alice()
      .When("Charge", {{"order_id", "o-1"}, {"amount", 1}})
      .Then({{"PaymentDeclined", {{"order_id", "o-1"}, {"amount", 1}, {"reason", "account alice is not open"}}}});
}

TEST_F(AccountSpec, NoOrderIsChargedTwice) {
  Alice().Given({kOpened, kChargedO1}).When("Charge", {{"order_id", "o-1"}, {"amount", 300}}).ThenNothing();
  Alice().Given({kOpened, kChargedO1}).When("Charge", {{"order_id", "o-1"}, {"amount", 200}}).ThenRejected(
      "was charged 300, not 200");
  Alice()
      .Given({kOpened, kChargedO1, kRefundedO1})
      .When("Charge", {{"order_id", "o-1"}, {"amount", 300}})
      .Then({{"PaymentDeclined",
              {{"order_id", "o-1"}, {"amount", 300}, {"reason", "order o-1 was already charged and refunded"}}}});
}

TEST_F(AccountSpec, RefundingGivesBackTheChargeOnce) {
  Alice()
      .Given({kOpened, kChargedO1})
      .When("Refund", {{"order_id", "o-1"}, {"payment_id", "pay:alice:o-1"}})
      .Then({kRefundedO1});
  Alice().Given({kOpened, kChargedO1, kRefundedO1}).When("Refund", {{"order_id", "o-1"}}).ThenNothing();
  Alice().Given({kOpened}).When("Refund", {{"order_id", "o-9"}}).ThenNothing();
  Alice()
      .Given({kOpened, kChargedO1})
      .When("Refund", {{"order_id", "o-1"}, {"payment_id", "pay:bob:o-1"}})
      .ThenRejected("paid by pay:alice:o-1");
}

TEST_F(AccountSpec, MalformedPaymentsAreInvalidArgument) {
  Alice().Given({kOpened}).When("Charge", {{"order_id", "o-1"}, {"amount", "300"}}).ThenFails(
      StatusCode::kInvalidArgument, "'amount'");
  Alice().Given({kOpened}).When("Charge", {{"amount", 3}}).ThenFails(StatusCode::kInvalidArgument, "'order_id'");
  Alice().Given({kOpened}).When("Refund", {{"order_id", "o-1"}, {"payment_id", 7}}).ThenFails(
      StatusCode::kInvalidArgument, "'payment_id'");
}

TEST_F(AccountSpec, TryDebitHoldsTheAmount) {
  Alice().Given({kOpened}).When("TryDebit", {{"transfer_id", "t-1"}, {"amount", 600}}).Then({kDebitTried});
  Alice().Given({kOpened}).When("TryDebit", {{"transfer_id", "t-1"}, {"amount", 1001}}).ThenRejected(
      "insufficient funds");
  Alice().When("TryDebit", {{"transfer_id", "t-1"}, {"amount", 1}}).ThenRejected("not open");
}

TEST_F(AccountSpec, HeldMoneyCannotBeSpentTwice) {
  Alice().Given({kOpened, kDebitTried}).When("Charge", {{"order_id", "o-1"}, {"amount", 401}}).Then(
      {{"PaymentDeclined",
        {{"order_id", "o-1"}, {"amount", 401}, {"reason", "insufficient funds: 400 available, 401 asked"}}}});
  Alice().Given({kOpened, kDebitTried}).When("TryDebit", {{"transfer_id", "t-2"}, {"amount", 401}}).ThenRejected(
      "insufficient funds");
}

TEST_F(AccountSpec, DebitSettlesThroughTheBarrier) {
  Alice().Given({kOpened, kDebitTried}).When("ConfirmDebit", kT1).Then({kDebitConfirmed});
  Alice().Given({kOpened, kDebitTried}).When("CancelDebit", kT1).Then({kDebitCancelled});
  Alice().Given({kOpened}).When("CancelDebit", kT1).Then({{"DebitCancelledBeforeTry", kT1}});
  Alice()
      .Given({kOpened, {"DebitCancelledBeforeTry", kT1}})
      .When("TryDebit", {{"transfer_id", "t-1"}, {"amount", 1}})
      .ThenRejected("cancelled before this try arrived");
  Alice().Given({kOpened}).When("ConfirmDebit", kT1).ThenRejected("never tried");
}

TEST_F(AccountSpec, BalancesFollowTheTransfers) {
  Spec confirmed = Alice();
  confirmed.Given({kOpened, kDebitTried, kDebitConfirmed});
  EXPECT_EQ(StateOf(confirmed).balance, 400);
  EXPECT_EQ(StateOf(confirmed).held, 0);

  Spec cancelled = Alice();
  cancelled.Given({kOpened, kDebitTried, kDebitCancelled});
  EXPECT_EQ(StateOf(cancelled).balance, 1000);
  EXPECT_EQ(StateOf(cancelled).held, 0);

  Spec credited = Alice();
  credited.Given({kOpened, kCreditTried});
  EXPECT_EQ(StateOf(credited).spendable(), 1000) << "a tried credit is not spendable yet";
  credited.Given({kCreditConfirmed});
  EXPECT_EQ(StateOf(credited).balance, 1050);
  EXPECT_EQ(StateOf(credited).incoming, 0);
}

TEST_F(AccountSpec, DebitAndCreditOfOneTransferOnOneAccountAreSeparate) {
  // A transfer from an account to itself: both sides use the same id.
  Alice().Given({kOpened, kDebitTried}).When("TryCredit", {{"transfer_id", "t-1"}, {"amount", 600}}).Then(
      {{"CreditTried", {{"transfer_id", "t-1"}, {"amount", 600}}}});
}

TEST_F(AccountSpec, CreditsCannotPushABalancePastTheLimit) {
  Alice()
      .Given({{"AccountOpened", {{"account_id", "alice"}, {"balance", 1'000'000'000'000'000}}}})
      .When("TryCredit", {{"transfer_id", "t-1"}, {"amount", 1}})
      .ThenRejected("would exceed");
}

}  // namespace
}  // namespace sagad::sample
