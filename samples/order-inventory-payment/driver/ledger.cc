#include "samples/order-inventory-payment/driver/ledger.h"

namespace sagad::sample::driver {
namespace {

std::string EventsTarget(const StreamId& stream) { return "/v1/aggregates/" + stream.type + "/" + stream.id + "/events"; }

// The API's view of an event back into the core's Event: what Evolve reads.
Event FromJson(const StreamId& stream, const Json& j) {
  Event e;
  e.stream = stream;
  e.version = j.value("version", std::int64_t{0});
  e.type = j.value("type", std::string());
  e.payload = j.value("payload", Json::object());
  e.command_id = j.value("command_id", std::string());
  e.global_position = j.value("global_position", std::int64_t{0});
  e.timestamp_ms = j.value("timestamp_ms", std::int64_t{0});
  return e;
}

// "/stock/sku-apple", the SKU percent-encoded as TargetFor encodes command
// types; the client puts the participant's base path in front.
std::string StockTarget(const std::string& sku) { return participants::HttpUrl{.base_path = "/stock"}.TargetFor(sku); }

// The participant's {sku, available, reservations: {order_id: qty}} as the
// StockItem the invariants read: only held reservations are listed, so none
// is released.
Result<StockItem> FromParticipant(const std::string& url, const HttpAnswer& answer) {
  const Json& b = answer.body;
  auto wrong = [&](const std::string& why) {
    return Status::Internal("GET " + url + " answered " + std::to_string(answer.status) + ", " + why + ": " +
                            b.dump());
  };
  if (answer.status != 200) return wrong("not 200");
  if (!b.is_object() || !b.contains("available") || !b["available"].is_number_integer() ||
      !b.contains("reservations") || !b["reservations"].is_object()) {
    return wrong("not {available: integer, reservations: {order_id: qty}}");
  }
  StockItem stock;
  stock.available = b["available"].get<std::int64_t>();
  for (const auto& [order, qty] : b["reservations"].items()) {
    if (!qty.is_number_integer()) return wrong("the reservation of " + order + " is not an integer");
    stock.reservations[order] = {qty.get<std::int64_t>(), false};
    stock.reserved += qty.get<std::int64_t>();
  }
  return stock;
}

}  // namespace

StockReader::StockReader(const participants::HttpUrl& inventory)
    : inventory_(inventory), client_(std::make_unique<HttpClient>(inventory)) {}

Result<StockItem> StockReader::Read(HttpClient& sagad, const std::string& sku) {
  static const auto kStock = MakeStockItemType();
  if (!client_) {
    Result<std::vector<Event>> events = ReadEvents(sagad, {kStock->type(), sku});
    if (!events.ok()) return events.status();
    return Replay(*kStock, *events);
  }
  Result<HttpAnswer> answer = client_->Get(StockTarget(sku));
  if (!answer.ok()) return answer.status().WithContext("reading stock from " + Source());
  return FromParticipant(UrlOf(sku), *answer);
}

std::string StockReader::Source() const {
  return inventory_ ? "the inventory participant at " + inventory_->ToString() : "sagad's StockItem events";
}

std::string StockReader::UrlOf(const std::string& sku) const {
  return inventory_ ? inventory_->ToString() + StockTarget(sku) : "";
}

Result<std::vector<Event>> ReadEvents(HttpClient& client, const StreamId& stream) {
  Result<HttpAnswer> answer = client.Get(EventsTarget(stream));
  if (!answer.ok()) return answer.status();
  if (answer->status != 200 || !answer->body.contains("events") || !answer->body["events"].is_array()) {
    return Status::Internal("GET " + EventsTarget(stream) + " answered " + std::to_string(answer->status) + ": " +
                            answer->body.dump());
  }
  std::vector<Event> events;
  for (const Json& e : answer->body["events"]) events.push_back(FromJson(stream, e));
  return events;
}

Result<Ledger> ReadLedger(HttpClient& client, StockReader& stock, const std::vector<std::string>& skus,
                          const std::vector<std::string>& accounts) {
  static const auto kAccount = MakeAccountType();
  Ledger ledger;
  for (const std::string& sku : skus) {
    Result<StockItem> item = stock.Read(client, sku);
    if (!item.ok()) return item.status();
    ledger.stock[sku] = std::move(item).value();
  }
  for (const std::string& account : accounts) {
    Result<std::vector<Event>> events = ReadEvents(client, {kAccount->type(), account});
    if (!events.ok()) return events.status();
    ledger.accounts[account] = Replay(*kAccount, *events);
    ledger.account_events[account] = std::move(events).value();
  }
  return ledger;
}

Result<Order> ReadOrder(HttpClient& client, const std::string& order_id) {
  static const auto kOrder = MakeOrderType();
  Result<std::vector<Event>> events = ReadEvents(client, {kOrder->type(), order_id});
  if (!events.ok()) return events.status();
  return Replay(*kOrder, *events);
}

}  // namespace sagad::sample::driver
