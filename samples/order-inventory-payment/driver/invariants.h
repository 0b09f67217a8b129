// The sample's invariants, checked on what a run left behind. Pure: the
// driver gathers the facts over HTTP, these functions only compare them
// (and are tested on their own in invariants_test.cc).
//
//   stock       for every SKU: baseline available = available now + units
//               reserved for this run's approved orders (and the StockItem
//               still holds exactly those reservations)
//   accounts    for every account: baseline balance - charged + refunded
//               - transfers out + transfers in (confirmed) = balance now,
//               and no money left held by a transfer
//   orders      every order of the run is APPROVED (its saga COMPLETED) or
//               REJECTED (its saga COMPENSATED)
//   charges     no order charged twice: an approved order is charged once
//               net, a rejected one zero times net, none charged twice
//   money       sum of balances now = sum at baseline - what approved
//               orders cost (transfers move money, never create it)
//
// "This run" is the driver's orders and transfers: the baseline is read
// after seeding, so a run on a database with earlier runs checks only its
// own effects.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "samples/order-inventory-payment/driver/instances.h"
#include "samples/order-inventory-payment/driver/ledger.h"
#include "samples/order-inventory-payment/driver/workload.h"

namespace sagad::sample::driver {

struct RunFacts {
  Ledger before;
  Ledger after;
  std::vector<OrderSpec> orders;
  std::map<std::string, Order> order_states;  // by order id, read after every saga finished
  std::vector<TransferSpec> transfers;
  std::map<std::string, Instance> instances;  // by instance id
};

struct Check {
  std::string name;
  std::string scope;                  // what was checked: "5 SKUs"
  std::vector<std::string> problems;  // empty: the invariant holds
  // The saga instances the problems are about, where a problem is about one
  // (an order's saga): a harness shows their histories (tests/crash).
  std::vector<std::string> sagas;
  bool ok() const { return problems.empty(); }
};

std::vector<Check> CheckInvariants(const RunFacts& facts);

// Instance ids of the run's sagas.
std::string OrderSagaId(const std::string& order_id);
std::string TransferSagaId(const std::string& transfer_id);

}  // namespace sagad::sample::driver
