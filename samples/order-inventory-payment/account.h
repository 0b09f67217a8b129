// Account: a customer's money, in minor units (cents). Stream id = account
// (customer) id. Participant `payment`. The balance never goes below zero
// and no order is charged twice.
//
// Orders (place_order.saga):
//   OpenAccount {balance}           -> AccountOpened   {account_id, balance}
//   Charge      {order_id, amount}  -> PaymentCharged  {order_id, payment_id, amount, balance}
//                                    | PaymentDeclined {order_id, amount, reason}
//   Refund      {order_id, payment_id?} -> PaymentRefunded {order_id, payment_id, amount, balance}
//
//   A second Charge for a charged order is a no-op (with another amount:
//   refused); a Charge for a refunded order is declined; a Charge over the
//   card's per-payment limit (kPaymentLimit) is declined whatever the
//   balance; a Refund of an order not charged, or already refunded, is a
//   no-op. `balance` in events is the balance after the event.
//
// Transfers (transfer.saga), through the TCC barrier (participants/sdk/tcc_barrier.h):
//   TryDebit      {transfer_id, amount} -> DebitTried {transfer_id, amount}    holds the amount
//   ConfirmDebit  {transfer_id}         -> DebitConfirmed {transfer_id, amount} takes it
//   CancelDebit   {transfer_id}         -> DebitCancelled {transfer_id, amount} frees it
//                                        | DebitCancelledBeforeTry {transfer_id}
//   TryCredit / ConfirmCredit / CancelCredit: the same with Credit*; a tried
//   credit is not spendable until confirmed.
//
// Money that is held by a tried debit cannot be charged or debited again.
// Commands on an account that was never opened are refused (Charge:
// declined).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/aggregate.h"
#include "participants/sdk/tcc_barrier.h"

namespace sagad::sample {

// The most one card payment (Charge) may be, in cents: 100.00. A larger one
// is declined ("over the per-payment limit"), as a card issuer would, even
// with the money there. Transfers (TryDebit) are not card payments.
inline constexpr std::int64_t kPaymentLimit = 10'000;

struct Account {
  struct OrderCharge {
    std::int64_t amount = 0;
    std::string payment_id;
    bool refunded = false;
  };
  bool open = false;
  std::int64_t balance = 0;
  std::int64_t held = 0;      // tried debits not yet confirmed or cancelled
  std::int64_t incoming = 0;  // tried credits not yet confirmed or cancelled
  std::map<std::string, OrderCharge> charges;  // by order id
  participants::TccBarrier debits;
  participants::TccBarrier credits;

  std::int64_t spendable() const { return balance - held; }
};

std::shared_ptr<AggregateDefinition<Account>> MakeAccountType();

}  // namespace sagad::sample
