// A small aggregate used by the core's tests, benchmarks and demo: a bank
// account with deposits and withdrawals that never goes below zero.
//
//   Deposit  {amount}  -> Deposited {amount, balance}
//   Withdraw {amount}  -> Withdrawn {amount, balance} | Rejected("insufficient funds")
#pragma once

#include <memory>

#include "core/aggregate.h"

namespace sagad::testing {

struct BankAccount {
  std::int64_t balance = 0;
  std::int64_t operations = 0;
};

std::shared_ptr<AggregateDefinition<BankAccount>> MakeBankAccountType();

}  // namespace sagad::testing
