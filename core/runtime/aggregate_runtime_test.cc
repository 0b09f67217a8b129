#include "core/runtime/aggregate_runtime.h"

#include <gtest/gtest.h>

#include "core/store/memory/memory_event_store.h"
#include "core/testing/bank_account.h"

namespace sagad {
namespace {

Command Deposit(const std::string& account, const std::string& command_id, std::int64_t amount) {
  Command c;
  c.command_id = command_id;
  c.target = {"BankAccount", account};
  c.type = "Deposit";
  c.payload = {{"amount", amount}};
  return c;
}

class AggregateRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.Register(testing::MakeBankAccountType()).ok());
    options_.shards = 2;
    auto runtime = AggregateRuntime::Start(&store_, &registry_, options_);
    ASSERT_TRUE(runtime.ok());
    runtime_ = std::move(runtime).value();
  }

  MemoryEventStore store_;
  AggregateRegistry registry_;
  RuntimeOptions options_;
  std::unique_ptr<AggregateRuntime> runtime_;
};

TEST_F(AggregateRuntimeTest, CommandEventsAreDurableWhenAnswered) {
  CommandResult r = runtime_->Send(Deposit("a", "c1", 5)).get();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].version, 1);
  EXPECT_EQ(r.events[0].payload["balance"], 5);
  Result<StoredStream> stored = store_.Load({"BankAccount", "a"});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 1);
}

TEST_F(AggregateRuntimeTest, ResentCommandReturnsOriginalEvents) {
  CommandResult first = runtime_->Send(Deposit("a", "c1", 5)).get();
  CommandResult again = runtime_->Send(Deposit("a", "c1", 5)).get();
  ASSERT_TRUE(again.status.ok());
  EXPECT_TRUE(again.duplicate);
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].global_position, first.events[0].global_position);
  EXPECT_EQ(store_.LastPosition(), 1);
}

}  // namespace
}  // namespace sagad
