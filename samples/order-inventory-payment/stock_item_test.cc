#include "samples/order-inventory-payment/stock_item.h"

#include "core/testing/given_when_then.h"

namespace sagad::sample {
namespace {

using sagad::testing::Spec;

const EventData kAdded10{"StockAdded", {{"sku", "sku-apple"}, {"qty", 10}, {"available", 10}}};
const EventData kReservedO1{"StockReserved", {{"order_id", "o-1"}, {"sku", "sku-apple"}, {"qty", 4}, {"available", 6}}};
const EventData kReleasedO1{"StockReleased", {{"order_id", "o-1"}, {"sku", "sku-apple"}, {"qty", 4}, {"available", 10}}};

class StockItemSpec : public ::testing::Test {
 protected:
  Spec Apple() { return Spec(*type_, "sku-apple"); }
  const StockItem& StateOf(const Spec& spec) { return AggregateDefinition<StockItem>::Unbox(spec.state()); }
  std::shared_ptr<AggregateDefinition<StockItem>> type_ = MakeStockItemType();
};

TEST_F(StockItemSpec, AddingStock) {
  Apple().When("AddStock", {{"qty", 10}}).Then({kAdded10});
  Apple().When("AddStock", {{"qty", -1}}).ThenFails(StatusCode::kInvalidArgument, "'qty'");
}

TEST_F(StockItemSpec, ReservingWithinWhatIsAvailable) {
  Apple().Given({kAdded10}).When("ReserveStock", {{"order_id", "o-1"}, {"qty", 4}}).Then({kReservedO1});
}

TEST_F(StockItemSpec, ReservingMoreThanAvailableIsTheStepsFailureEvent) {
  Apple()
      .Given({kAdded10, kReservedO1})
      .When("ReserveStock", {{"order_id", "o-2"}, {"qty", 7}})
      .Then({{"StockRejected",
              {{"order_id", "o-2"},
               {"sku", "sku-apple"},
               {"qty", 7},
               {"available", 6},
               {"reason", "insufficient stock of sku-apple: 6 available, 7 asked"}}}});
}

TEST_F(StockItemSpec, ReservingTwiceForOneOrderIsANoOp) {
  Apple().Given({kAdded10, kReservedO1}).When("ReserveStock", {{"order_id", "o-1"}, {"qty", 4}}).ThenNothing();
  Apple()
      .Given({kAdded10, kReservedO1})
      .When("ReserveStock", {{"order_id", "o-1"}, {"qty", 5}})
      .ThenRejected("already reserved 4 of sku-apple, not 5");
}

TEST_F(StockItemSpec, ReleasingGivesBackExactlyWhatTheOrderReserved) {
  Apple()
      .Given({kAdded10, kReservedO1})
      .When("ReleaseStock", {{"order_id", "o-1"}, {"qty", 9}})
      .Then({kReleasedO1});
}

TEST_F(StockItemSpec, ReleasingTwiceOrWithoutAReservationIsANoOp) {
  Apple().Given({kAdded10, kReservedO1, kReleasedO1}).When("ReleaseStock", {{"order_id", "o-1"}}).ThenNothing();
  Apple().Given({kAdded10}).When("ReleaseStock", {{"order_id", "o-9"}}).ThenNothing();
}

TEST_F(StockItemSpec, AReservationAfterTheOrdersReleaseIsRejected) {
  Apple()
      .Given({kAdded10, kReservedO1, kReleasedO1})
      .When("ReserveStock", {{"order_id", "o-1"}, {"qty", 4}})
      .Then({{"StockRejected",
              {{"order_id", "o-1"},
               {"sku", "sku-apple"},
               {"qty", 4},
               {"available", 10},
               {"reason", "the reservation of order o-1 was already released"}}}});
}

TEST_F(StockItemSpec, StockIsConservedAndNeverNegative) {
  Spec spec = Apple();
  spec.Given({kAdded10, kReservedO1,
              {"StockReserved", {{"order_id", "o-2"}, {"sku", "sku-apple"}, {"qty", 6}, {"available", 0}}},
              kReleasedO1});
  const StockItem& s = StateOf(spec);
  EXPECT_EQ(s.available, 4);
  EXPECT_EQ(s.reserved, 6);
  EXPECT_EQ(s.available + s.reserved, 10);
  spec.When("ReserveStock", {{"order_id", "o-3"}, {"qty", 5}})
      .Then({{"StockRejected",
              {{"order_id", "o-3"},
               {"sku", "sku-apple"},
               {"qty", 5},
               {"available", 4},
               {"reason", "insufficient stock of sku-apple: 4 available, 5 asked"}}}});
}

TEST_F(StockItemSpec, MalformedReservationsAreInvalidArgument) {
  Apple().Given({kAdded10}).When("ReserveStock", {{"qty", 1}}).ThenFails(StatusCode::kInvalidArgument, "'order_id'");
  Apple().Given({kAdded10}).When("ReserveStock", {{"order_id", "o-1"}, {"qty", 1.5}}).ThenFails(
      StatusCode::kInvalidArgument, "'qty'");
  Apple().When("ReleaseStock", {{"order_id", Json::array()}}).ThenFails(StatusCode::kInvalidArgument, "'order_id'");
}

}  // namespace
}  // namespace sagad::sample
