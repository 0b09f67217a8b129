// The participants' state as the driver sees it: each aggregate's events,
// read over GET /v1/aggregates/{type}/{id}/events and replayed through the
// sample's own definitions (the Evolve the server runs), so the invariants
// are checked against the real state, not a re-implementation of it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "core/status.h"
#include "samples/order-inventory-payment/account.h"
#include "samples/order-inventory-payment/driver/http_client.h"
#include "samples/order-inventory-payment/order.h"
#include "samples/order-inventory-payment/stock_item.h"

namespace sagad::sample::driver {

// Every event of one aggregate, oldest first (none if it does not exist).
Result<std::vector<Event>> ReadEvents(HttpClient& client, const StreamId& stream);

template <typename State>
State Replay(const AggregateDefinition<State>& type, const std::vector<Event>& events) {
  std::unique_ptr<StateBox> state = type.NewState();
  for (const Event& e : events) type.Evolve(*state, e);
  return AggregateDefinition<State>::Unbox(*state);
}

// Stock and accounts at one moment: before the orders (the baseline) and
// after every saga finished.
struct Ledger {
  std::map<std::string, StockItem> stock;      // by SKU
  std::map<std::string, Account> accounts;     // by account id
  std::map<std::string, std::vector<Event>> account_events;
};

Result<Ledger> ReadLedger(HttpClient& client, const std::vector<std::string>& skus,
                          const std::vector<std::string>& accounts);

Result<Order> ReadOrder(HttpClient& client, const std::string& order_id);

}  // namespace sagad::sample::driver
