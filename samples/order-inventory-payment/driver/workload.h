// What one run of the driver sends: orders and transfers, generated from
// the seed's SKUs and accounts, the same for the same run id (so a rerun
// with --run-id resends the same commands, which the server deduplicates).
//
// The mix exercises both outcomes of each definition: orders ask for more
// units in total than the seed stocks (the later ones find their SKU sold
// out, and a SKU seeded at 0 never has any); customers are picked among
// every account, and transfers only pay into accounts seeded with money, so
// one seeded at 0 stays empty (its orders that get stock are declined, and
// its transfers cancelled).
#pragma once

#include <cstdint>
#include <string>
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

// `skus` and `accounts` as listed in the seed, `payees` the accounts
// transfers may credit (those seeded with money). Transfers need a payee
// and another account.
Workload MakeWorkload(const std::string& run_id, const std::vector<std::string>& skus,
                      const std::vector<std::string>& accounts, const std::vector<std::string>& payees,
                      std::size_t orders, std::size_t transfers);

// A SKU's unit price in cents: fixed per SKU (by its position in the seed),
// low enough that a run's sales leave the seeded customers money for the
// next run.
std::int64_t UnitPrice(std::size_t sku_index);

}  // namespace sagad::sample::driver
