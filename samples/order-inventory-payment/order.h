// Order: what the customer asked for, and whether the PlaceOrder saga
// approved or rejected it. Stream id = order id. Participant `order`.
//
//   PlaceOrder   {customer_id, sku, qty, total} -> OrderPlaced {order_id, customer_id, sku, qty, total}
//                (the event that starts the PlaceOrder saga: it carries every
//                field place_order.saga reads from its start payload)
//   ApproveOrder {}                             -> OrderApproved {order_id}
//   RejectOrder  {reason?}                      -> OrderRejected {order_id, reason}
//
// Repeats are no-ops (placing the same order again, approving an approved
// order, rejecting a rejected one); contradictions are refused (approving a
// rejected order, placing an order id again with other details).
#pragma once

#include <memory>
#include <string>

#include "core/aggregate.h"

namespace sagad::sample {

enum class OrderStatus { kNew, kPlaced, kApproved, kRejected };

struct Order {
  OrderStatus status = OrderStatus::kNew;
  std::string customer_id;
  std::string sku;
  std::int64_t qty = 0;
  std::int64_t total = 0;  // in minor units (cents)
  std::string rejection_reason;
};

std::shared_ptr<AggregateDefinition<Order>> MakeOrderType();

}  // namespace sagad::sample
