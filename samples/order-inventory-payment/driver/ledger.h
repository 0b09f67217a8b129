// The participants' state as the driver sees it: each aggregate's events,
// read over GET /v1/aggregates/{type}/{id}/events and replayed through the
// sample's own definitions (the Evolve the server runs), so the invariants
// are checked against the real state, not a re-implementation of it.
//
// Except the stock when the inventory is an HTTP participant: sagad only
// relays its commands and stores none of its events, so the participant is
// asked instead (StockReader).
#pragma once

#include <map>
#include <memory>
#include <optional>
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

// Where each SKU's StockItem is read. Default: sagad's StockItem events (the
// inventory in-process). Given the inventory participant's base URL (the one
// sagad's --participant inventory=URL names): its GET <URL>/stock/<sku>,
// {sku, available, reservations: {order_id: qty}} with only the reservations
// still held, which is all the stock invariant reads.
// Not thread-safe: the driver reads the ledger from one thread.
class StockReader {
 public:
  StockReader() = default;
  explicit StockReader(const participants::HttpUrl& inventory);

  Result<StockItem> Read(HttpClient& sagad, const std::string& sku);
  // "the inventory participant at http://...", or "sagad's StockItem events"
  std::string Source() const;
  // The participant's read URL for one SKU ("" when reading from sagad): for
  // the summary's "where to look next".
  std::string UrlOf(const std::string& sku) const;

 private:
  std::optional<participants::HttpUrl> inventory_;
  std::unique_ptr<HttpClient> client_;
};

Result<Ledger> ReadLedger(HttpClient& client, StockReader& stock, const std::vector<std::string>& skus,
                          const std::vector<std::string>& accounts);

Result<Order> ReadOrder(HttpClient& client, const std::string& order_id);

}  // namespace sagad::sample::driver
