// Test support for the coordinator specifications: the sample definitions,
// command builders, and a Scenario that runs commands on one instance and
// keeps its history (to feed Spec(...).Given(history)).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "coordinator/definition_catalog.h"
#include "coordinator/register.h"
#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "core/aggregate.h"

namespace sagad::coordinator::testing {

inline constexpr std::int64_t kT0 = 1'000'000;

inline constexpr char kPlaceOrder[] = R"(
saga PlaceOrder {
  version 1
  start on order.OrderPlaced
  key $.order_id
  step reserve_stock {
    send inventory.ReserveStock to $.sku { order_id: $.order_id, qty: $.qty }
    success inventory.StockReserved
    failure inventory.StockRejected
    compensate inventory.ReleaseStock to $.sku { order_id: $.order_id, qty: $.qty }
    timeout 5s
    retry 5 backoff 100ms..2s
  }
  step charge_payment {
    send payment.Charge to $.customer_id { order_id: $.order_id, amount: $.total }
    success payment.PaymentCharged capture payment_id
    failure payment.PaymentDeclined
    compensate payment.Refund to $.customer_id { order_id: $.order_id, payment_id: $.charge_payment.payment_id }
  }
  step approve_order {
    send order.ApproveOrder to $.order_id { }
    success order.OrderApproved
  }
  on compensated send order.RejectOrder to $.order_id { reason: $.failure.reason }
}
)";

inline constexpr char kTransferMoney[] = R"(
tcc TransferMoney {
  version 1
  start on api
  key $.transfer_id
  timeout 10s
  branch debit {
    try     payment.TryDebit     to $.from { transfer_id: $.transfer_id, amount: $.amount }
    confirm payment.ConfirmDebit to $.from { transfer_id: $.transfer_id }
    cancel  payment.CancelDebit  to $.from { transfer_id: $.transfer_id }
  }
  branch credit {
    try     payment.TryCredit     to $.to { transfer_id: $.transfer_id, amount: $.amount }
    confirm payment.ConfirmCredit to $.to { transfer_id: $.transfer_id }
    cancel  payment.CancelCredit  to $.to { transfer_id: $.transfer_id }
  }
}
)";

// A diamond: pick, then book_courier and print_label in parallel, then hand_over.
inline constexpr char kShipping[] = R"(
saga Shipping {
  step pick {
    send warehouse.Pick to $.order_id { }
    success warehouse.Picked
    compensate warehouse.Restock to $.order_id { }
  }
  step book_courier after pick {
    send courier.Book to $.order_id { }
    success courier.Booked
    compensate courier.CancelBooking to $.order_id { }
  }
  step print_label after pick {
    send labels.Print to $.order_id { }
    success labels.Printed
    compensate labels.Void to $.order_id { }
  }
  step hand_over after book_courier, print_label {
    send courier.HandOver to $.order_id { }
    success courier.HandedOver
  }
}
)";

// The middle step cannot be undone; the last one reads a field nobody gave.
inline constexpr char kNotify[] = R"(
saga Notify {
  step reserve {
    send inventory.Reserve to $.order_id { }
    success inventory.Reserved
    compensate inventory.Release to $.order_id { }
  }
  step email {
    send mail.Send to $.order_id { }
    success mail.Sent
  }
  step bill {
    send billing.Bill to $.order_id { vat: $.vat_number }
    success billing.Billed
  }
}
)";

inline Json OrderInput() {
  return Json{{"order_id", "o-1"}, {"sku", "sku-1"}, {"qty", 2}, {"customer_id", "c-1"}, {"total", 30}};
}

inline Command Cmd(std::string type, Json payload) {
  Command c;
  c.type = std::move(type);
  c.payload = std::move(payload);
  return c;
}
inline Command StartSaga(const std::string& definition, Json input, std::int64_t now = kT0) {
  return Cmd(saga::kStartSaga, Json{{"definition", definition}, {"input", std::move(input)}, {"now_ms", now}});
}
inline Command StartTcc(Json input, std::int64_t now = kT0) {
  return Cmd(tcc::kStartTcc, Json{{"definition", "TransferMoney"}, {"input", std::move(input)}, {"now_ms", now}});
}
inline Command Reply(const std::string& command_id, const std::string& outcome, std::int64_t now,
                     Json data = Json::object(), const std::string& reason = "") {
  Json p = {{"command_id", command_id}, {"outcome", outcome}, {"now_ms", now}, {"data", std::move(data)}};
  if (!reason.empty()) p["reason"] = reason;
  return Cmd(saga::kHandleReply, std::move(p));
}
inline Command Success(const std::string& id, std::int64_t now, Json data = Json::object()) {
  return Reply(id, "success", now, std::move(data));
}
inline Command Failure(const std::string& id, std::int64_t now, const std::string& reason = "declined") {
  return Reply(id, "failure", now, Json::object(), reason);
}
inline Command Transient(const std::string& id, std::int64_t now, const std::string& reason = "503") {
  return Reply(id, "transient", now, Json::object(), reason);
}
inline Command Timer(std::int64_t now) { return Cmd(saga::kTimerFired, Json{{"now_ms", now}}); }
inline Command Operator(const std::string& type, std::int64_t now, Json extra = Json::object()) {
  extra["actor"] = "alice";
  extra["reason"] = "ticket 42";
  extra["now_ms"] = now;
  return Cmd(type, std::move(extra));
}

inline std::vector<std::string> Types(const Events& events) {
  std::vector<std::string> out;
  for (const EventData& e : events) out.push_back(e.type);
  return out;
}

// Events as one JSON array, to compare decisions.
inline Json AsJson(const Events& events) {
  Json out = Json::array();
  for (const EventData& e : events) out.push_back(Json{{"type", e.type}, {"payload", e.payload}});
  return out;
}

// A catalog holding every test definition.
inline std::shared_ptr<DefinitionCatalog> TestCatalog() {
  auto catalog = std::make_shared<DefinitionCatalog>();
  for (const char* source : {kPlaceOrder, kTransferMoney, kShipping, kNotify}) {
    Status s = catalog->AddSource(source, "test.saga");
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return catalog;
}

// Runs commands on one instance of an aggregate type, keeping its history.
template <typename State>
class Instance {
 public:
  Instance(std::shared_ptr<const AggregateBehavior> behavior, std::string id)
      : behavior_(std::move(behavior)), state_(behavior_->NewState()), stream_{behavior_->type(), std::move(id)} {}

  // Runs `c`; the test fails if it is refused. Returns what it emitted.
  Events Do(Command c) {
    Decision d = Decide(std::move(c));
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    if (!d.ok()) return {};
    for (const EventData& data : d.value()) {
      Event e;
      e.stream = stream_;
      e.version = static_cast<std::int64_t>(history_.size()) + 1;
      e.type = data.type;
      e.payload = data.payload;
      behavior_->Evolve(*state_, e);
      history_.push_back(data);
    }
    return d.value();
  }
  Decision Decide(Command c) const {
    c.target = stream_;
    if (c.command_id.empty()) c.command_id = "op-" + std::to_string(history_.size());
    return behavior_->Decide(*state_, c);
  }

  const State& state() const { return AggregateDefinition<State>::Unbox(*state_); }
  const std::vector<EventData>& history() const { return history_; }
  const AggregateBehavior& behavior() const { return *behavior_; }
  const std::string& id() const { return stream_.id; }

 private:
  std::shared_ptr<const AggregateBehavior> behavior_;
  std::unique_ptr<StateBox> state_;
  StreamId stream_;
  std::vector<EventData> history_;
};

using SagaInstance = Instance<SagaState>;
using TccInstance = Instance<TccState>;

// The command id of step `step` in saga "o-1": the same for every attempt.
inline std::string DoId(const std::string& step, const std::string& saga = "o-1") {
  return saga + "/" + step + "/do";
}
inline std::string UndoId(const std::string& step, const std::string& saga = "o-1") {
  return saga + "/" + step + "/compensate";
}
// A reply that says which attempt it answers (without: the latest).
inline Command ToAttempt(Command reply, int attempt) {
  reply.payload["attempt"] = attempt;
  return reply;
}

// Tests of the saga process manager start from here: the test catalog, a
// Saga aggregate on it, and a PlaceOrder instance "o-1" that has started.
class SagaFixture : public ::testing::Test {
 protected:
  std::shared_ptr<DefinitionCatalog> catalog_ = TestCatalog();
  std::shared_ptr<SagaAggregate> saga_ = MakeSagaAggregate(catalog_.get());

  SagaInstance NewOrder() {
    SagaInstance s(saga_, "o-1");
    s.Do(StartSaga("PlaceOrder", OrderInput()));
    return s;
  }
};

}  // namespace sagad::coordinator::testing
