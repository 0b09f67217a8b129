#include "participants/sdk/participant.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sagad::participants {
namespace {

std::shared_ptr<AggregateDefinition<int>> TypeNamed(const std::string& name) {
  return std::make_shared<AggregateDefinition<int>>(name);
}

TEST(ParticipantTest, RoutesEachCommandToItsAggregateType) {
  Participant p("inventory");
  ASSERT_TRUE(p.Add(TypeNamed("StockItem"), {"ReserveStock", "ReleaseStock"}).ok());
  ASSERT_TRUE(p.Add(TypeNamed("Warehouse"), {"OpenWarehouse"}).ok());
  ASSERT_NE(p.RouteOf("ReleaseStock"), nullptr);
  EXPECT_EQ(*p.RouteOf("ReleaseStock"), "StockItem");
  EXPECT_EQ(*p.RouteOf("OpenWarehouse"), "Warehouse");
  EXPECT_EQ(p.RouteOf("Charge"), nullptr);
  EXPECT_THAT(p.Commands(), ::testing::ElementsAre("OpenWarehouse", "ReleaseStock", "ReserveStock"));
}

TEST(ParticipantTest, ACommandRoutedTwiceIsRefusedAndChangesNothing) {
  Participant p("inventory");
  ASSERT_TRUE(p.Add(TypeNamed("StockItem"), {"ReserveStock"}).ok());
  Status s = p.Add(TypeNamed("Warehouse"), {"OpenWarehouse", "ReserveStock"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ReserveStock is routed to both StockItem and Warehouse"), std::string::npos)
      << s.message();
  EXPECT_EQ(p.RouteOf("OpenWarehouse"), nullptr);
  EXPECT_FALSE(p.Add(TypeNamed("Other"), {"A", "A"}).ok());
  EXPECT_FALSE(p.Add(TypeNamed("Other"), {""}).ok());
  EXPECT_FALSE(p.Add(TypeNamed("StockItem"), {"B"}).ok()) << "type added twice";
  EXPECT_FALSE(p.Add(nullptr, {"B"}).ok());
  EXPECT_THAT(p.Commands(), ::testing::ElementsAre("ReserveStock"));
}

TEST(ParticipantTest, RegistersItsTypesAllOrNothing) {
  Participant inventory("inventory");
  ASSERT_TRUE(inventory.Add(TypeNamed("StockItem"), {"ReserveStock"}).ok());
  ASSERT_TRUE(inventory.Add(TypeNamed("Warehouse"), {"OpenWarehouse"}).ok());
  AggregateRegistry registry;
  ASSERT_TRUE(registry.Register(TypeNamed("Warehouse")).ok());  // someone else's, same name

  Status s = inventory.RegisterInto(registry);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("Warehouse"), std::string::npos) << s.message();
  EXPECT_EQ(registry.Find("StockItem"), nullptr) << "nothing registered on failure";

  AggregateRegistry fresh;
  ASSERT_TRUE(inventory.RegisterInto(fresh).ok());
  EXPECT_THAT(fresh.Types(), ::testing::ElementsAre("StockItem", "Warehouse"));
}

}  // namespace
}  // namespace sagad::participants
