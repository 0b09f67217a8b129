// The invariant checks on a small run built with the sample's own aggregate
// definitions (Decide then Evolve, as the server would): a consistent run
// passes every check; each kind of damage fails the check that names it.
#include "samples/order-inventory-payment/driver/invariants.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sagad::sample::driver {
namespace {

using ::testing::HasSubstr;

// One aggregate run in memory: commands through Decide, events through Evolve.
template <typename State>
struct Stream {
  Stream(std::shared_ptr<AggregateDefinition<State>> t, std::string i) : type(std::move(t)), id(std::move(i)) {}

  void Do(const std::string& command, Json payload) {
    Command c{"c" + std::to_string(events.size()), {type->type(), id}, command, std::move(payload), "", ""};
    Decision d = type->Decide(*state, c);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    for (EventData& data : *d) Append(std::move(data));
  }
  // An event no Decide would emit: how a bug would show up in the store.
  void Append(EventData data) {
    Event e;
    e.stream = {type->type(), id};
    e.version = static_cast<std::int64_t>(events.size()) + 1;
    e.type = std::move(data.type);
    e.payload = std::move(data.payload);
    type->Evolve(*state, e);
    events.push_back(e);
  }
  State Now() const { return AggregateDefinition<State>::Unbox(*state); }

  std::shared_ptr<AggregateDefinition<State>> type;
  std::string id;
  std::unique_ptr<StateBox> state = type->NewState();
  std::vector<Event> events;
};

class InvariantsTest : public ::testing::Test {
 protected:
  // Baseline: 10 apples, alice 1000, bob 0. Then o-1 (2 apples, 100) is
  // approved, o-2 (1 apple, 50) is charged, refunded and rejected, and t-1
  // moves 200 from alice to bob.
  void SetUp() override {
    apple.Do("AddStock", {{"qty", 10}});
    alice.Do("OpenAccount", {{"balance", 1000}});
    bob.Do("OpenAccount", {{"balance", 0}});
    facts.before = Snapshot();

    facts.orders = {{"o-1", "alice", "sku-apple", 2, 100}, {"o-2", "alice", "sku-apple", 1, 50}};
    apple.Do("ReserveStock", {{"order_id", "o-1"}, {"qty", 2}});
    alice.Do("Charge", {{"order_id", "o-1"}, {"amount", 100}});
    apple.Do("ReserveStock", {{"order_id", "o-2"}, {"qty", 1}});
    alice.Do("Charge", {{"order_id", "o-2"}, {"amount", 50}});
    alice.Do("Refund", {{"order_id", "o-2"}});
    apple.Do("ReleaseStock", {{"order_id", "o-2"}});
    facts.order_states["o-1"] = OrderIn(OrderStatus::kApproved, 2, 100);
    facts.order_states["o-2"] = OrderIn(OrderStatus::kRejected, 1, 50);
    Ended("PlaceOrder:o-1", "COMPLETED");
    Ended("PlaceOrder:o-2", "COMPENSATED");

    facts.transfers = {{"t-1", "alice", "bob", 200}};
    alice.Do("TryDebit", {{"transfer_id", "t-1"}, {"amount", 200}});
    bob.Do("TryCredit", {{"transfer_id", "t-1"}, {"amount", 200}});
    alice.Do("ConfirmDebit", {{"transfer_id", "t-1"}});
    bob.Do("ConfirmCredit", {{"transfer_id", "t-1"}});
    Ended("TransferMoney:t-1", "CONFIRMED");
  }

  Ledger Snapshot() const {
    Ledger l;
    l.stock["sku-apple"] = apple.Now();
    for (const auto* a : {&alice, &bob}) {
      l.accounts[a->id] = a->Now();
      l.account_events[a->id] = a->events;
    }
    return l;
  }

  void Ended(const std::string& id, const std::string& status) {
    facts.instances[id] = {.id = id, .definition = id.substr(0, id.find(':')), .status = status};
  }

  static Order OrderIn(OrderStatus status, std::int64_t qty, std::int64_t total) {
    Order o;
    o.status = status;
    o.customer_id = "alice";
    o.sku = "sku-apple";
    o.qty = qty;
    o.total = total;
    return o;
  }

  // Checks on the facts as they stand now; name -> problems.
  std::map<std::string, std::vector<std::string>> Failures() {
    facts.after = Snapshot();
    std::map<std::string, std::vector<std::string>> failed;
    for (const Check& c : CheckInvariants(facts)) {
      if (!c.ok()) failed[c.name.substr(0, c.name.find(':'))] = c.problems;
    }
    return failed;
  }

  Stream<StockItem> apple{MakeStockItemType(), "sku-apple"};
  Stream<Account> alice{MakeAccountType(), "alice"};
  Stream<Account> bob{MakeAccountType(), "bob"};
  RunFacts facts;
};

TEST_F(InvariantsTest, AConsistentRunPassesEveryCheck) {
  EXPECT_TRUE(Failures().empty());
  facts.after = Snapshot();
  std::vector<Check> checks = CheckInvariants(facts);
  ASSERT_EQ(checks.size(), 5u);
  EXPECT_EQ(checks[0].scope, "1 SKUs");
}

TEST_F(InvariantsTest, ASecondChargeForAnOrderFailsChargesAndMoney) {
  alice.Append({"PaymentCharged", {{"order_id", "o-1"}, {"payment_id", "p2"}, {"amount", 100}, {"balance", 600}}});
  auto failed = Failures();
  ASSERT_TRUE(failed.contains("charges"));
  EXPECT_THAT(failed["charges"][0], HasSubstr("o-1 (approved): charged 2 times"));
  EXPECT_TRUE(failed.contains("money"));
  EXPECT_FALSE(failed.contains("accounts"));  // the balance matches its own events
}

TEST_F(InvariantsTest, AReservationNobodyReleasedFailsStock) {
  apple.Do("ReserveStock", {{"order_id", "o-3"}, {"qty", 3}});
  facts.orders.push_back({"o-3", "alice", "sku-apple", 3, 150});
  facts.order_states["o-3"] = OrderIn(OrderStatus::kRejected, 3, 150);
  Ended("PlaceOrder:o-3", "COMPENSATED");
  auto failed = Failures();
  ASSERT_TRUE(failed.contains("stock"));
  EXPECT_THAT(failed["stock"][0], HasSubstr("sku-apple: baseline 10 available, now 5 available + 2"));
}

TEST_F(InvariantsTest, AnOrderStillPlacedOrAtOddsWithItsSagaFailsOrders) {
  facts.order_states["o-2"].status = OrderStatus::kPlaced;
  facts.instances["PlaceOrder:o-2"].status = "RUNNING";
  facts.instances.erase("PlaceOrder:o-1");
  auto failed = Failures();
  ASSERT_TRUE(failed.contains("orders"));
  EXPECT_THAT(failed["orders"], ::testing::ElementsAre("o-1 is APPROVED, its saga never started",
                                                       "o-2 is PLACED, its saga RUNNING"));
}

// A report (tests/crash) shows the history of the sagas a problem is about.
TEST_F(InvariantsTest, AProblemAboutAnOrderNamesItsSaga) {
  facts.order_states["o-2"].status = OrderStatus::kPlaced;
  alice.Append({"PaymentCharged", {{"order_id", "o-1"}, {"payment_id", "p2"}, {"amount", 100}, {"balance", 600}}});
  facts.after = Snapshot();
  std::map<std::string, std::vector<std::string>> sagas;
  for (const Check& c : CheckInvariants(facts)) sagas[c.name.substr(0, c.name.find(':'))] = c.sagas;
  EXPECT_THAT(sagas["orders"], ::testing::ElementsAre("PlaceOrder:o-2"));
  EXPECT_THAT(sagas["charges"], ::testing::ElementsAre("PlaceOrder:o-1"));
  EXPECT_THAT(sagas["money"], ::testing::IsEmpty());  // about every account, no one saga
}

TEST_F(InvariantsTest, MoneyHeldByAnUnfinishedTransferFailsAccounts) {
  alice.Do("TryDebit", {{"transfer_id", "t-2"}, {"amount", 300}});
  facts.transfers.push_back({"t-2", "alice", "bob", 300});
  Ended("TransferMoney:t-2", "STUCK");
  auto failed = Failures();
  ASSERT_TRUE(failed.contains("accounts"));
  EXPECT_THAT(failed["accounts"][0], HasSubstr("alice: transfers left money held (300 debits"));
}

TEST_F(InvariantsTest, ABalanceThatDoesNotAddUpFailsAccounts) {
  // A confirmed transfer the accounts never saw.
  facts.transfers.push_back({"t-3", "bob", "alice", 50});
  Ended("TransferMoney:t-3", "CONFIRMED");
  auto failed = Failures();
  ASSERT_TRUE(failed.contains("accounts"));
  EXPECT_THAT(failed["accounts"], ::testing::ElementsAre("alice: 1000 - 150 + 50 - 150 = 750, balance is 700",
                                                         "bob: 0 - 0 + 0 + 150 = 150, balance is 200"));
  EXPECT_FALSE(failed.contains("money"));
}

}  // namespace
}  // namespace sagad::sample::driver
