// The summary's table: one row per way of ending, with a line that says why,
// made from what the server reported of each instance.
#include "samples/order-inventory-payment/driver/summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace sagad::sample::driver {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Printed(const Summary& s) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  PrintSummary(out, s);
  std::fclose(out);
  std::string printed(text, size);
  std::free(text);
  return printed;
}

Instance Order(const std::string& id, const std::string& status, const std::string& failed_at = "",
               const std::string& reason = "") {
  Instance i{.id = "PlaceOrder:" + id, .definition = "PlaceOrder", .status = status, .failed_at = failed_at,
             .reason = reason};
  if (status == "COMPLETED") i.done = {"reserve_stock", "charge_payment", "approve_order"};
  if (status == "COMPENSATED" && failed_at == "charge_payment") i.undone = {"reserve_stock"};
  return i;
}

TEST(SummaryTest, EachWayOfEndingIsOneRowThatSaysWhyWithLikeRefusalsCountedTogether) {
  Summary s{.server = "http://127.0.0.1:8080", .run_id = "r1"};
  s.instances = {
      Order("o0", "COMPLETED"),
      Order("o1", "COMPLETED"),
      Order("o2", "COMPLETED"),
      Order("o3", "COMPENSATED", "reserve_stock", "insufficient stock of sku-elderberry: 0 available, 2 asked"),
      Order("o4", "COMPENSATED", "charge_payment", "insufficient funds: 0 available, 750 asked"),
      Order("o5", "COMPENSATED", "charge_payment", "insufficient funds: 0 available, 1500 asked"),
      Order("o6", "COMPENSATED", "charge_payment", "over the per-payment limit: 10250 asked, 10000 allowed"),
      {.id = "TransferMoney:t1", .definition = "TransferMoney", .status = "CANCELLED",
       .reason = "try of branch debit refused: insufficient funds: 0 available, 500 asked",
       .undone = {"credit", "debit"}},
      {.id = "TransferMoney:t2", .definition = "TransferMoney", .status = "CONFIRMED", .done = {"credit", "debit"}},
  };
  std::string text = Printed(s);
  EXPECT_THAT(text, HasSubstr("COMPLETED         3       0       0   reserve_stock, charge_payment and approve_order "
                              "succeeded\n"));
  EXPECT_THAT(text, HasSubstr("COMPENSATED       1       0       0   reserve_stock failed: insufficient stock of "
                              "sku-elderberry; nothing to undo\n"));
  EXPECT_THAT(text, HasSubstr("COMPENSATED       2       0       0   charge_payment failed: insufficient funds; "
                              "reserve_stock undone\n"));
  EXPECT_THAT(text, HasSubstr("COMPENSATED       1       0       0   charge_payment failed: over the per-payment limit; "
                              "reserve_stock undone\n"));
  EXPECT_THAT(text, HasSubstr("CANCELLED         1       0       0   try of branch debit refused: insufficient funds; "
                              "credit and debit cancelled\n"));
  EXPECT_THAT(text, HasSubstr("CONFIRMED         1       0       0   every branch tried, then credit and debit "
                              "confirmed\n"));
  EXPECT_THAT(text, Not(HasSubstr("750 asked"))) << "figures differ per order: they would split the groups";
  // Per definition, the largest group first.
  EXPECT_LT(text.find("COMPLETED         3"), text.find("COMPENSATED       2"));
  EXPECT_LT(text.find("COMPENSATED       2"), text.find("COMPENSATED       1"));
}

TEST(SummaryTest, TheJsonCarriesTheSameWhy) {
  Summary s{.server = "http://127.0.0.1:8080", .run_id = "r1"};
  s.instances = {Order("o1", "COMPENSATED", "charge_payment", "over the per-payment limit: 10250 asked, 10000 allowed")};
  Json json = SummaryJson(s);
  ASSERT_EQ(json["outcomes"].size(), 1u);
  EXPECT_EQ(json["outcomes"][0]["why"], "charge_payment failed: over the per-payment limit; reserve_stock undone");
  EXPECT_EQ(json["outcomes"][0]["failed_at"], (Json{{"charge_payment", 1}}));
}

}  // namespace
}  // namespace sagad::sample::driver
