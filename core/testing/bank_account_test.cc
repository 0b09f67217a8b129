#include "core/testing/bank_account.h"

#include "core/testing/given_when_then.h"

namespace sagad::testing {
namespace {

class BankAccountSpec : public ::testing::Test {
 protected:
  std::shared_ptr<AggregateDefinition<BankAccount>> type_ = MakeBankAccountType();
};

TEST_F(BankAccountSpec, DepositOnNewAccountReportsNewBalance) {
  Spec(*type_).When("Deposit", {{"amount", 5}}).Then({{"Deposited", {{"amount", 5}, {"balance", 5}}}});
}

TEST_F(BankAccountSpec, WithdrawWithinBalance) {
  Spec(*type_)
      .Given({{"Deposited", {{"amount", 10}, {"balance", 10}}}})
      .When("Withdraw", {{"amount", 4}})
      .Then({{"Withdrawn", {{"amount", 4}, {"balance", 6}}}});
}

TEST_F(BankAccountSpec, WithdrawBeyondBalanceIsRejected) {
  Spec(*type_)
      .Given({{"Deposited", {{"amount", 10}, {"balance", 10}}}})
      .When("Withdraw", {{"amount", 11}})
      .ThenRejected("insufficient funds");
}

TEST_F(BankAccountSpec, MalformedAmountIsInvalidArgument) {
  Spec(*type_).When("Deposit", {{"amount", "lots"}}).ThenFails(StatusCode::kInvalidArgument, "amount");
}

TEST_F(BankAccountSpec, UnknownCommandIsInvalidArgument) {
  Spec(*type_).When("Close").ThenFails(StatusCode::kInvalidArgument, "no handler for command Close");
}

TEST_F(BankAccountSpec, SnapshotRoundTrip) {
  Spec spec(*type_);
  spec.Given({{"Deposited", {{"amount", 7}, {"balance", 7}}}});
  Json snap = type_->Snapshot(spec.state());
  Result<std::unique_ptr<StateBox>> restored = type_->Restore(snap);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(AggregateDefinition<BankAccount>::Unbox(**restored).balance, 7);
  EXPECT_FALSE(type_->Restore(Json::array()).ok());
}

}  // namespace
}  // namespace sagad::testing
