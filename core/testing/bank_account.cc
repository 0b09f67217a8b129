#include "core/testing/bank_account.h"

namespace sagad::testing {
namespace {

Result<std::int64_t> Amount(const Command& c) {
  auto it = c.payload.find("amount");
  if (it == c.payload.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    return Status::InvalidArgument(c.type + " needs a positive integer 'amount'");
  }
  return it->get<std::int64_t>();
}

}  // namespace

Command AccountCommand(const std::string& type, const std::string& account, const std::string& command_id,
                       std::int64_t amount) {
  Command c;
  c.command_id = command_id;
  c.target = {"BankAccount", account};
  c.type = type;
  c.payload = {{"amount", amount}};
  return c;
}

std::shared_ptr<AggregateDefinition<BankAccount>> MakeBankAccountType() {
  auto type = std::make_shared<AggregateDefinition<BankAccount>>("BankAccount");
  type->Handle("Deposit",
               [](const BankAccount& a, const Command& c) -> Decision {
                 Result<std::int64_t> amount = Amount(c);
                 if (!amount.ok()) return amount.status();
                 return Events{{"Deposited", {{"amount", *amount}, {"balance", a.balance + *amount}}}};
               })
      .Handle("Withdraw",
              [](const BankAccount& a, const Command& c) -> Decision {
                Result<std::int64_t> amount = Amount(c);
                if (!amount.ok()) return amount.status();
                if (*amount > a.balance) return Status::Rejected("insufficient funds");
                return Events{{"Withdrawn", {{"amount", *amount}, {"balance", a.balance - *amount}}}};
              })
      .Apply("Deposited",
             [](BankAccount& a, const Event& e) {
               a.balance += e.payload["amount"].get<std::int64_t>();
               a.operations++;
             })
      .Apply("Withdrawn",
             [](BankAccount& a, const Event& e) {
               a.balance -= e.payload["amount"].get<std::int64_t>();
               a.operations++;
             })
      .Snapshots([](const BankAccount& a) { return Json{{"balance", a.balance}, {"operations", a.operations}}; },
                 [](const Json& j) -> Result<BankAccount> {
                   if (!j.is_object() || !j.contains("balance")) return Status::Corruption("bad account snapshot");
                   return BankAccount{IntegerOf<std::int64_t>(j.at("balance")), IntegerOr(j, "operations", std::int64_t{0})};
                 });
  return type;
}

}  // namespace sagad::testing
