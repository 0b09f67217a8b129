// A small aggregate used by the core's tests, benchmarks and demo: a bank
// account with deposits and withdrawals that never goes below zero.
//
//   Deposit  {amount}  -> Deposited {amount, balance}
//   Withdraw {amount}  -> Withdrawn {amount, balance} | Rejected("insufficient funds")
#pragma once

#include <memory>
#include <string>

#include "core/aggregate.h"
#include "core/testing/numbered.h"

namespace sagad::testing {

struct BankAccount {
  std::int64_t balance = 0;
  std::int64_t operations = 0;
};

std::shared_ptr<AggregateDefinition<BankAccount>> MakeBankAccountType();

// A command for account `account`: type "Deposit" or "Withdraw".
Command AccountCommand(const std::string& type, const std::string& account, const std::string& command_id,
                       std::int64_t amount);
inline Command Deposit(const std::string& account, const std::string& command_id, std::int64_t amount) {
  return AccountCommand("Deposit", account, command_id, amount);
}
inline Command Withdraw(const std::string& account, const std::string& command_id, std::int64_t amount) {
  return AccountCommand("Withdraw", account, command_id, amount);
}

}  // namespace sagad::testing
