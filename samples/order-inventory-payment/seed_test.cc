#include "samples/order-inventory-payment/seed.h"

#include <gtest/gtest.h>

namespace sagad::sample {
namespace {

TEST(SeedTest, TheShippedSeedFileBecomesAddStockAndOpenAccountCommands) {
  Result<std::vector<Command>> commands = LoadSeed("seed.json");  // tests run in this folder
  ASSERT_TRUE(commands.ok()) << commands.status().ToString();
  ASSERT_FALSE(commands->empty());
  int stock = 0, accounts = 0;
  for (const Command& c : *commands) {
    if (c.type == "AddStock") {
      ++stock;
      EXPECT_EQ(c.target.type, "StockItem");
      EXPECT_EQ(c.command_id, "seed/stock/" + c.target.id) << "deterministic: seeding twice applies once";
      EXPECT_GT(c.payload["qty"].get<std::int64_t>(), 0);
    } else {
      ++accounts;
      EXPECT_EQ(c.type, "OpenAccount");
      EXPECT_EQ(c.target.type, "Account");
      EXPECT_EQ(c.command_id, "seed/account/" + c.target.id);
    }
  }
  EXPECT_GT(stock, 0);
  EXPECT_GT(accounts, 0);
}

TEST(SeedTest, AnItemWithoutStockSendsNothing) {
  Result<std::vector<Command>> commands = SeedCommands({{"stock", {{"sku-a", 0}, {"sku-b", 4}}}});
  ASSERT_TRUE(commands.ok()) << commands.status().ToString();
  ASSERT_EQ(commands->size(), 1u);
  EXPECT_EQ((*commands)[0].target.id, "sku-b");
  EXPECT_EQ((*commands)[0].payload, (Json{{"qty", 4}}));
}

TEST(SeedTest, MalformedSeedsAreInvalidArgumentNamingTheEntry) {
  auto error = [](const Json& seed) { return SeedCommands(seed).status(); };
  EXPECT_NE(error({{"stock", {{"sku-a", -1}}}}).message().find("stock.sku-a"), std::string::npos);
  EXPECT_NE(error({{"accounts", {{"bob", "lots"}}}}).message().find("accounts.bob"), std::string::npos);
  EXPECT_NE(error({{"stock", Json::array()}}).message().find("'stock' must be an object"), std::string::npos);
  EXPECT_NE(error({{"stocks", Json::object()}}).message().find("unknown section 'stocks'"), std::string::npos);
  EXPECT_EQ(error(Json::array()).code(), StatusCode::kInvalidArgument);
}

TEST(SeedTest, AMissingOrMalformedFileIsAClearError) {
  EXPECT_EQ(LoadSeed("no-such-seed.json").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadSeed("CMakeLists.txt").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sagad::sample
