#include "samples/order-inventory-payment/driver/workload.h"

#include <gtest/gtest.h>

#include <set>

#include "samples/order-inventory-payment/account.h"

namespace sagad::sample::driver {
namespace {

// Like seed.json: SKUs in stock and one without, customers with money and
// one without.
const SeedView kSeed = {{{"sku-apple", 100}, {"sku-banana", 50}, {"sku-none", 0}},
                        {{"alice", 100000}, {"bob", 25000}, {"dave", 0}}};

TEST(WorkloadTest, TheSameRunIdGivesTheSameWorkAndAnotherGivesNewIds) {
  Workload a = MakeWorkload("r1", kSeed, 50, 10);
  Workload b = MakeWorkload("r1", kSeed, 50, 10);
  ASSERT_EQ(a.orders.size(), 50u);
  ASSERT_EQ(a.transfers.size(), 10u);
  EXPECT_EQ(a.sequence, b.sequence);
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    EXPECT_EQ(a.orders[i].customer_id, b.orders[i].customer_id);
    EXPECT_EQ(a.orders[i].total, b.orders[i].total);
  }
  EXPECT_EQ(a.orders[0].order_id, "r1-o1");
  EXPECT_EQ(MakeWorkload("r2", kSeed, 1, 1).orders[0].order_id, "r2-o1");
}

// Each order is ordinary or exactly one kind of trouble, and each kind is a
// visible minority: about one order in 20 (2,000 orders: 100 expected).
TEST(WorkloadTest, MostOrdersAreOrdinaryAndEachRefusalHasItsShare) {
  Workload w = MakeWorkload("r1", kSeed, 2000, 0);
  std::size_t ordinary = 0, sold_out = 0, broke = 0, over_limit = 0;
  for (const OrderSpec& o : w.orders) {
    EXPECT_GE(o.qty, 1);
    EXPECT_EQ(o.total % o.qty, 0);
    int troubles = (o.sku == "sku-none") + (o.customer_id == "dave") + (o.total > kPaymentLimit);
    EXPECT_LE(troubles, 1) << o.order_id << ": one reason to refuse it, not several";
    sold_out += o.sku == "sku-none";
    broke += o.customer_id == "dave";
    over_limit += o.total > kPaymentLimit;
    ordinary += troubles == 0;
    if (troubles == 0) {
      EXPECT_LE(o.qty, 3);
    }
  }
  for (std::size_t n : {sold_out, broke, over_limit}) {
    EXPECT_GT(n, 60u);
    EXPECT_LT(n, 140u);
  }
  EXPECT_GT(ordinary, 1600u);  // 1,700 expected: 17 in 20
}

TEST(WorkloadTest, TransfersPayOnlyCustomersWithMoneyNeverTheirSourceAndSomeComeFromOneWithout) {
  Workload w = MakeWorkload("r1", kSeed, 0, 400);
  ASSERT_EQ(w.transfers.size(), 400u);
  std::size_t from_dave = 0;
  for (const TransferSpec& t : w.transfers) {
    EXPECT_NE(t.from, t.to);
    EXPECT_NE(t.to, "dave");
    EXPECT_GT(t.amount, 0);
    from_dave += t.from == "dave";
  }
  EXPECT_GT(from_dave, 15u);
  EXPECT_LT(from_dave, 80u);
  std::set<std::size_t> sequence(w.sequence.begin(), w.sequence.end());
  EXPECT_EQ(sequence.size(), 400u);
}

TEST(WorkloadTest, OneAccountOrNoPayeeMeansNoTransfers) {
  EXPECT_TRUE(MakeWorkload("r1", {kSeed.stock, {{"alice", 5}}}, 5, 5).transfers.empty());
  EXPECT_TRUE(MakeWorkload("r1", {kSeed.stock, {{"dave", 0}, {"erin", 0}}}, 5, 5).transfers.empty());
}

}  // namespace
}  // namespace sagad::sample::driver
