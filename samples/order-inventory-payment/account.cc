#include "samples/order-inventory-payment/account.h"

#include "participants/sdk/payload.h"
#include "participants/sdk/tcc_resource.h"

namespace sagad::sample {
namespace {

using participants::EventInt;
using participants::EventString;
using participants::kMaxUnits;

std::string NotOpen(const Command& c) { return "account " + c.target.id + " is not open"; }

std::string Insufficient(const Account& a, std::int64_t amount) {
  return "insufficient funds: " + std::to_string(a.spendable()) + " available, " + std::to_string(amount) + " asked";
}

Decision Open(const Account& a, const Command& c) {
  Result<std::int64_t> balance = participants::NonNegativeInt(c, "balance");
  if (!balance.ok()) return balance.status();
  if (a.open) return Status::Rejected("account " + c.target.id + " is already open");
  return Events{{"AccountOpened", {{"account_id", c.target.id}, {"balance", *balance}}}};
}

Decision ChargeOrder(const Account& a, const Command& c) {
  Result<std::string> order = participants::RequiredString(c, "order_id");
  if (!order.ok()) return order.status();
  Result<std::int64_t> amount = participants::PositiveInt(c, "amount");
  if (!amount.ok()) return amount.status();
  auto declined = [&](const std::string& reason) {
    return Events{{"PaymentDeclined", {{"order_id", *order}, {"amount", *amount}, {"reason", reason}}}};
  };
  if (!a.open) return declined(NotOpen(c));
  auto it = a.charges.find(*order);
  if (it != a.charges.end()) {
    if (it->second.refunded) return declined("order " + *order + " was already charged and refunded");
    if (it->second.amount == *amount) return Events{};
    return Status::Rejected("order " + *order + " was charged " + std::to_string(it->second.amount) + ", not " +
                            std::to_string(*amount));
  }
  if (*amount > kPaymentLimit) {
    return declined("over the per-payment limit: " + std::to_string(*amount) + " asked, " +
                    std::to_string(kPaymentLimit) + " allowed");
  }
  if (*amount > a.spendable()) return declined(Insufficient(a, *amount));
  return Events{{"PaymentCharged",
                 {{"order_id", *order},
                  {"payment_id", "pay:" + c.target.id + ":" + *order},
                  {"amount", *amount},
                  {"balance", a.balance - *amount}}}};
}

Decision RefundOrder(const Account& a, const Command& c) {
  Result<std::string> order = participants::RequiredString(c, "order_id");
  if (!order.ok()) return order.status();
  Result<std::optional<std::string>> payment = participants::OptionalString(c, "payment_id");
  if (!payment.ok()) return payment.status();
  auto it = a.charges.find(*order);
  if (it == a.charges.end() || it->second.refunded) return Events{};
  const Account::OrderCharge& charge = it->second;
  if (payment->has_value() && **payment != charge.payment_id) {
    return Status::Rejected("order " + *order + " was paid by " + charge.payment_id + ", not " + **payment);
  }
  return Events{{"PaymentRefunded",
                 {{"order_id", *order},
                  {"payment_id", charge.payment_id},
                  {"amount", charge.amount},
                  {"balance", a.balance + charge.amount}}}};
}

Result<Json> TryDebit(const Account& a, const Command& c) {
  Result<std::int64_t> amount = participants::PositiveInt(c, "amount");
  if (!amount.ok()) return amount.status();
  if (!a.open) return Status::Rejected(NotOpen(c));
  if (*amount > a.spendable()) return Status::Rejected(Insufficient(a, *amount));
  return Json{{"amount", *amount}};
}

Result<Json> TryCredit(const Account& a, const Command& c) {
  Result<std::int64_t> amount = participants::PositiveInt(c, "amount");
  if (!amount.ok()) return amount.status();
  if (!a.open) return Status::Rejected(NotOpen(c));
  if (a.balance + a.incoming + *amount > kMaxUnits) {
    return Status::Rejected("account " + c.target.id + " would exceed 1e15");
  }
  return Json{{"amount", *amount}};
}

std::int64_t AmountOf(const Json& tried) { return EventInt(tried, "amount"); }

}  // namespace

std::shared_ptr<AggregateDefinition<Account>> MakeAccountType() {
  auto type = std::make_shared<AggregateDefinition<Account>>("Account");
  type->Handle("OpenAccount", Open)
      .Handle("Charge", ChargeOrder)
      .Handle("Refund", RefundOrder)
      .Apply("AccountOpened",
             [](Account& a, const Event& e) {
               a.open = true;
               a.balance = EventInt(e.payload, "balance");
             })
      .Apply("PaymentCharged",
             [](Account& a, const Event& e) {
               std::int64_t amount = EventInt(e.payload, "amount");
               a.balance -= amount;
               a.charges[EventString(e.payload, "order_id")] = {amount, EventString(e.payload, "payment_id"), false};
             })
      .Apply("PaymentRefunded", [](Account& a, const Event& e) {
        a.balance += EventInt(e.payload, "amount");
        a.charges[EventString(e.payload, "order_id")].refunded = true;
      });

  AddTccResource(*type, participants::TccResource<Account>{
                            .names = {"Debit", "transfer_id"},
                            .barrier = &Account::debits,
                            .try_work = TryDebit,
                            .on_tried = [](Account& a, const Json& t) { a.held += AmountOf(t); },
                            .on_confirmed =
                                [](Account& a, const Json& t) {
                                  a.held -= AmountOf(t);
                                  a.balance -= AmountOf(t);
                                },
                            .on_cancelled = [](Account& a, const Json& t) { a.held -= AmountOf(t); },
                        });
  AddTccResource(*type, participants::TccResource<Account>{
                            .names = {"Credit", "transfer_id"},
                            .barrier = &Account::credits,
                            .try_work = TryCredit,
                            .on_tried = [](Account& a, const Json& t) { a.incoming += AmountOf(t); },
                            .on_confirmed =
                                [](Account& a, const Json& t) {
                                  a.incoming -= AmountOf(t);
                                  a.balance += AmountOf(t);
                                },
                            .on_cancelled = [](Account& a, const Json& t) { a.incoming -= AmountOf(t); },
                        });
  return type;
}

}  // namespace sagad::sample
