// StockItem: units of one SKU, reserved per order. Stream id = SKU.
// Participant `inventory`.
//
//   AddStock     {qty}            -> StockAdded    {sku, qty, available}
//   ReserveStock {order_id, qty}  -> StockReserved {order_id, sku, qty, available}
//                                  | StockRejected {order_id, sku, qty, available, reason}
//   ReleaseStock {order_id}       -> StockReleased {order_id, sku, qty, available}
//
// `available` in events is the count after the event. Stock never goes
// negative: a reservation beyond what is available is StockRejected (the
// place_order step's failure event, recorded so a resend gets the same
// answer). Per order id: a second ReserveStock is a no-op, a ReserveStock
// after the order's release is StockRejected (no reservation nobody will
// release), ReleaseStock releases exactly what the order reserved (a `qty`
// in its payload is ignored) and is a no-op for an order with nothing
// reserved.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/aggregate.h"

namespace sagad::sample {

struct StockItem {
  struct Reservation {
    std::int64_t qty = 0;
    bool released = false;
  };
  std::int64_t available = 0;
  std::int64_t reserved = 0;  // sum of the unreleased reservations
  std::map<std::string, Reservation> reservations;  // by order id
};

std::shared_ptr<AggregateDefinition<StockItem>> MakeStockItemType();

}  // namespace sagad::sample
