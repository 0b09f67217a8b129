#include "samples/order-inventory-payment/order.h"

#include "participants/sdk/payload.h"

namespace sagad::sample {
namespace {

using participants::EventInt;
using participants::EventString;

Decision Place(const Order& o, const Command& c) {
  Result<std::string> customer = participants::RequiredString(c, "customer_id");
  if (!customer.ok()) return customer.status();
  Result<std::string> sku = participants::RequiredString(c, "sku");
  if (!sku.ok()) return sku.status();
  Result<std::int64_t> qty = participants::PositiveInt(c, "qty");
  if (!qty.ok()) return qty.status();
  Result<std::int64_t> total = participants::PositiveInt(c, "total");
  if (!total.ok()) return total.status();
  if (o.status != OrderStatus::kNew) {
    bool same = o.customer_id == *customer && o.sku == *sku && o.qty == *qty && o.total == *total;
    if (same) return Events{};
    return Status::Rejected("order " + c.target.id + " was already placed with other details");
  }
  return Events{{"OrderPlaced",
                 {{"order_id", c.target.id}, {"customer_id", *customer}, {"sku", *sku}, {"qty", *qty}, {"total", *total}}}};
}

Decision Approve(const Order& o, const Command& c) {
  switch (o.status) {
    case OrderStatus::kNew: return Status::Rejected("order " + c.target.id + " was never placed");
    case OrderStatus::kApproved: return Events{};
    case OrderStatus::kRejected:
      return Status::Rejected("order " + c.target.id + " was rejected (" + o.rejection_reason + ")");
    case OrderStatus::kPlaced: break;
  }
  return Events{{"OrderApproved", {{"order_id", c.target.id}}}};
}

Decision Reject(const Order& o, const Command& c) {
  Result<std::optional<std::string>> reason = participants::OptionalString(c, "reason");
  if (!reason.ok()) return reason.status();
  switch (o.status) {
    case OrderStatus::kNew: return Status::Rejected("order " + c.target.id + " was never placed");
    case OrderStatus::kApproved: return Status::Rejected("order " + c.target.id + " is already approved");
    case OrderStatus::kRejected: return Events{};
    case OrderStatus::kPlaced: break;
  }
  return Events{{"OrderRejected", {{"order_id", c.target.id}, {"reason", reason->value_or("")}}}};
}

}  // namespace

std::shared_ptr<AggregateDefinition<Order>> MakeOrderType() {
  auto type = std::make_shared<AggregateDefinition<Order>>("Order");
  type->Handle("PlaceOrder", Place)
      .Handle("ApproveOrder", Approve)
      .Handle("RejectOrder", Reject)
      .Apply("OrderPlaced",
             [](Order& o, const Event& e) {
               o.status = OrderStatus::kPlaced;
               o.customer_id = EventString(e.payload, "customer_id");
               o.sku = EventString(e.payload, "sku");
               o.qty = EventInt(e.payload, "qty");
               o.total = EventInt(e.payload, "total");
             })
      .Apply("OrderApproved", [](Order& o, const Event&) { o.status = OrderStatus::kApproved; })
      .Apply("OrderRejected", [](Order& o, const Event& e) {
        o.status = OrderStatus::kRejected;
        o.rejection_reason = EventString(e.payload, "reason");
      });
  return type;
}

}  // namespace sagad::sample
