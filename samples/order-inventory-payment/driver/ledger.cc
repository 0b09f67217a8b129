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

}  // namespace

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

Result<Ledger> ReadLedger(HttpClient& client, const std::vector<std::string>& skus,
                          const std::vector<std::string>& accounts) {
  static const auto kStock = MakeStockItemType();
  static const auto kAccount = MakeAccountType();
  Ledger ledger;
  for (const std::string& sku : skus) {
    Result<std::vector<Event>> events = ReadEvents(client, {kStock->type(), sku});
    if (!events.ok()) return events.status();
    ledger.stock[sku] = Replay(*kStock, *events);
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
