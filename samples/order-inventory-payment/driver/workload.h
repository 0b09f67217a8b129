// What one run of the driver sends: orders and transfers, generated from
// the seed's SKUs and accounts, the same for the same run id (so a rerun
// with --run-id resends the same commands, which the server deduplicates).
//
// Most orders are ordinary: a customer with money buys 1 to 3 units of a
// SKU in stock, and completes. A visible minority is refused, each for its
// own business reason, one order in 20 each:
//   - out of stock: a SKU the seed has no units of (reserve_stock fails);
//   - insufficient funds: a customer the seed gives no money (the stock is
//     reserved, charge_payment fails, the reservation is released);
//   - a declined payment: a bulk order whose total is over the card's
//     per-payment limit (account.h: kPaymentLimit), by a customer with money.
// Transfers pay customers with money, from another one; one in 10 comes
// from a customer without money, and is cancelled. A kind the seed cannot
// make (no SKU at 0, no customer at 0) is left out: those orders are
// ordinary too.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sagad::sample::driver {

struct OrderSpec {
  std::string order_id;
  std::string customer_id;
  std::string sku;
  std::int64_t qty = 0;
  std::int64_t total = 0;  // cents
};

struct TransferSpec {
  std::string transfer_id;
  std::string from;
  std::string to;
  std::int64_t amount = 0;  // cents
};

struct Workload {
  std::vector<OrderSpec> orders;
  std::vector<TransferSpec> transfers;
  // The order in which to send them: index < orders.size() is an order,
  // the rest transfers (index - orders.size()); shuffled so both kinds run
  // at the same time on the same accounts.
  std::vector<std::size_t> sequence;
};

// The seed as the workload reads it, each section in the file's order.
struct SeedView {
  std::vector<std::pair<std::string, std::int64_t>> stock;     // SKU -> units
  std::vector<std::pair<std::string, std::int64_t>> accounts;  // account id -> balance (cents)
};

Workload MakeWorkload(const std::string& run_id, const SeedView& seed, std::size_t orders, std::size_t transfers);

// A SKU's unit price in cents: fixed per SKU (by its position in the seed):
// 2.50, 7.50, 12.50, ...
std::int64_t UnitPrice(std::size_t sku_index);

}  // namespace sagad::sample::driver
