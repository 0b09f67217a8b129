#include "samples/order-inventory-payment/driver/workload.h"

#include <gtest/gtest.h>

#include <set>

namespace sagad::sample::driver {
namespace {

const std::vector<std::string> kSkus = {"sku-apple", "sku-banana", "sku-none"};
const std::vector<std::string> kAccounts = {"alice", "bob", "dave"};
const std::vector<std::string> kPayees = {"alice", "bob"};

TEST(WorkloadTest, TheSameRunIdGivesTheSameWorkAndAnotherGivesNewIds) {
  Workload a = MakeWorkload("r1", kSkus, kAccounts, kPayees, 50, 10);
  Workload b = MakeWorkload("r1", kSkus, kAccounts, kPayees, 50, 10);
  ASSERT_EQ(a.orders.size(), 50u);
  ASSERT_EQ(a.transfers.size(), 10u);
  EXPECT_EQ(a.sequence, b.sequence);
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    EXPECT_EQ(a.orders[i].customer_id, b.orders[i].customer_id);
    EXPECT_EQ(a.orders[i].total, b.orders[i].total);
  }
  EXPECT_EQ(a.orders[0].order_id, "r1-o1");
  EXPECT_EQ(MakeWorkload("r2", kSkus, kAccounts, kPayees, 1, 1).orders[0].order_id, "r2-o1");
}

TEST(WorkloadTest, EverySkuAndAccountIsUsedAndTransfersPayOnlyPayeesNeverTheirSource) {
  Workload w = MakeWorkload("r1", kSkus, kAccounts, kPayees, 300, 100);
  std::set<std::string> skus, customers;
  for (const OrderSpec& o : w.orders) {
    skus.insert(o.sku);
    customers.insert(o.customer_id);
    EXPECT_GE(o.qty, 1);
    EXPECT_EQ(o.total % o.qty, 0);
  }
  EXPECT_EQ(skus.size(), kSkus.size());
  EXPECT_EQ(customers.size(), kAccounts.size());
  std::set<std::string> payers;
  for (const TransferSpec& t : w.transfers) {
    payers.insert(t.from);
    EXPECT_NE(t.from, t.to);
    EXPECT_NE(t.to, "dave");
    EXPECT_GT(t.amount, 0);
  }
  EXPECT_TRUE(payers.contains("dave"));
  std::set<std::size_t> sequence(w.sequence.begin(), w.sequence.end());
  EXPECT_EQ(sequence.size(), 400u);
}

TEST(WorkloadTest, OneAccountOrNoPayeeMeansNoTransfers) {
  EXPECT_TRUE(MakeWorkload("r1", kSkus, {"alice"}, {"alice"}, 5, 5).transfers.empty());
  EXPECT_TRUE(MakeWorkload("r1", kSkus, kAccounts, {}, 5, 5).transfers.empty());
}

}  // namespace
}  // namespace sagad::sample::driver
