#include "samples/order-inventory-payment/order.h"

#include "core/testing/given_when_then.h"

namespace sagad::sample {
namespace {

using sagad::testing::Spec;

const Json kOrder = {{"customer_id", "alice"}, {"sku", "sku-apple"}, {"qty", 2}, {"total", 300}};
const EventData kPlaced{"OrderPlaced",
                        {{"order_id", "o-1"}, {"customer_id", "alice"}, {"sku", "sku-apple"}, {"qty", 2}, {"total", 300}}};

class OrderSpec : public ::testing::Test {
 protected:
  Spec OrderO1() { return Spec(*type_, "o-1"); }
  std::shared_ptr<AggregateDefinition<Order>> type_ = MakeOrderType();
};

TEST_F(OrderSpec, PlacingAnOrderCarriesWhatThePlaceOrderSagaReads) {
  OrderO1().When("PlaceOrder", kOrder).Then({kPlaced});
}

TEST_F(OrderSpec, PlacingTheSameOrderAgainIsANoOp) {
  OrderO1().Given({kPlaced}).When("PlaceOrder", kOrder).ThenNothing();
}

TEST_F(OrderSpec, PlacingAnOrderIdAgainWithOtherDetailsIsRefused) {
  Json other = kOrder;
  other["qty"] = 3;
  OrderO1().Given({kPlaced}).When("PlaceOrder", other).ThenRejected("already placed with other details");
}

TEST_F(OrderSpec, MalformedOrdersAreInvalidArgument) {
  Json bad = kOrder;
  bad["qty"] = "two";
  OrderO1().When("PlaceOrder", bad).ThenFails(StatusCode::kInvalidArgument, "'qty'");
  bad = kOrder;
  bad.erase("customer_id");
  OrderO1().When("PlaceOrder", bad).ThenFails(StatusCode::kInvalidArgument, "'customer_id'");
  bad = kOrder;
  bad["total"] = 0;
  OrderO1().When("PlaceOrder", bad).ThenFails(StatusCode::kInvalidArgument, "'total'");
}

TEST_F(OrderSpec, ApprovingAPlacedOrder) {
  OrderO1().Given({kPlaced}).When("ApproveOrder").Then({{"OrderApproved", {{"order_id", "o-1"}}}});
}

TEST_F(OrderSpec, RejectingAPlacedOrderKeepsTheReason) {
  OrderO1()
      .Given({kPlaced})
      .When("RejectOrder", {{"reason", "insufficient funds"}})
      .Then({{"OrderRejected", {{"order_id", "o-1"}, {"reason", "insufficient funds"}}}});
  OrderO1().Given({kPlaced}).When("RejectOrder", {{"reason", 5}}).ThenFails(StatusCode::kInvalidArgument, "'reason'");
}

TEST_F(OrderSpec, RepeatsAreNoOps) {
  OrderO1().Given({kPlaced, {"OrderApproved", {{"order_id", "o-1"}}}}).When("ApproveOrder").ThenNothing();
  OrderO1().Given({kPlaced, {"OrderRejected", {{"order_id", "o-1"}, {"reason", "r"}}}}).When("RejectOrder").ThenNothing();
}

TEST_F(OrderSpec, AnOrderIsApprovedOrRejectedNeverBoth) {
  OrderO1()
      .Given({kPlaced, {"OrderRejected", {{"order_id", "o-1"}, {"reason", "out of stock"}}}})
      .When("ApproveOrder")
      .ThenRejected("was rejected (out of stock)");
  OrderO1().Given({kPlaced, {"OrderApproved", {{"order_id", "o-1"}}}}).When("RejectOrder").ThenRejected(
      "already approved");
}

TEST_F(OrderSpec, AnOrderNeverPlacedCannotBeDecided) {
  OrderO1().When("ApproveOrder").ThenRejected("never placed");
  OrderO1().When("RejectOrder").ThenRejected("never placed");
}

}  // namespace
}  // namespace sagad::sample
