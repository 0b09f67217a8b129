#include "samples/order-inventory-payment/stock_item.h"

#include "participants/sdk/payload.h"

namespace sagad::sample {
namespace {

using participants::EventInt;
using participants::EventString;

Decision Add(const StockItem& s, const Command& c) {
  Result<std::int64_t> qty = participants::PositiveInt(c, "qty");
  if (!qty.ok()) return qty.status();
  if (s.available + s.reserved + *qty > participants::kMaxUnits) {
    return Status::Rejected("stock of " + c.target.id + " would exceed 1e15 units");
  }
  return Events{{"StockAdded", {{"sku", c.target.id}, {"qty", *qty}, {"available", s.available + *qty}}}};
}

Decision Reserve(const StockItem& s, const Command& c) {
  Result<std::string> order = participants::RequiredString(c, "order_id");
  if (!order.ok()) return order.status();
  Result<std::int64_t> qty = participants::PositiveInt(c, "qty");
  if (!qty.ok()) return qty.status();
  auto rejected = [&](const std::string& reason) {
    return Events{{"StockRejected",
                   {{"order_id", *order}, {"sku", c.target.id}, {"qty", *qty}, {"available", s.available},
                    {"reason", reason}}}};
  };
  auto it = s.reservations.find(*order);
  if (it != s.reservations.end()) {
    if (it->second.released) return rejected("the reservation of order " + *order + " was already released");
    if (it->second.qty == *qty) return Events{};
    return Status::Rejected("order " + *order + " already reserved " + std::to_string(it->second.qty) + " of " +
                            c.target.id + ", not " + std::to_string(*qty));
  }
  if (*qty > s.available) {
    return rejected("insufficient stock of " + c.target.id + ": " + std::to_string(s.available) + " available, " +
                    std::to_string(*qty) + " asked");
  }
  return Events{{"StockReserved",
                 {{"order_id", *order}, {"sku", c.target.id}, {"qty", *qty}, {"available", s.available - *qty}}}};
}

Decision Release(const StockItem& s, const Command& c) {
  Result<std::string> order = participants::RequiredString(c, "order_id");
  if (!order.ok()) return order.status();
  auto it = s.reservations.find(*order);
  if (it == s.reservations.end() || it->second.released) return Events{};
  std::int64_t qty = it->second.qty;
  return Events{{"StockReleased",
                 {{"order_id", *order}, {"sku", c.target.id}, {"qty", qty}, {"available", s.available + qty}}}};
}

}  // namespace

std::shared_ptr<AggregateDefinition<StockItem>> MakeStockItemType() {
  auto type = std::make_shared<AggregateDefinition<StockItem>>("StockItem");
  type->Handle("AddStock", Add)
      .Handle("ReserveStock", Reserve)
      .Handle("ReleaseStock", Release)
      .Apply("StockAdded", [](StockItem& s, const Event& e) { s.available += EventInt(e.payload, "qty"); })
      .Apply("StockReserved",
             [](StockItem& s, const Event& e) {
               std::int64_t qty = EventInt(e.payload, "qty");
               s.available -= qty;
               s.reserved += qty;
               s.reservations[EventString(e.payload, "order_id")] = {qty, false};
             })
      .Apply("StockReleased", [](StockItem& s, const Event& e) {
        std::int64_t qty = EventInt(e.payload, "qty");
        s.available += qty;
        s.reserved -= qty;
        s.reservations[EventString(e.payload, "order_id")].released = true;
      });
  return type;
}

}  // namespace sagad::sample
