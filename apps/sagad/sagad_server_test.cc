// A whole sagad in-process (SQLite store in a temporary directory, the
// sample's definitions and in-process participants) driven over its HTTP
// API: what a user does first, a restart, and bad configuration.
#include "apps/sagad/sagad_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/json.h"
#include "core/store/testing/full_disk_vfs.h"
#include "apps/sagad/testing/sagad_fixture.h"
#include "http-api/testing/raw_client.h"

namespace sagad::app {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

using testing::Answer;

class SagadServerTest : public testing::SagadFixture {
 protected:
  void Command(const std::string& participant, const std::string& type, const std::string& id,
               const std::string& target, Json payload, int expected = 200) {
    Answer a = Call("POST", "/v1/commands/" + participant + "/" + type,
                    Json{{"command_id", id}, {"target", target}, {"payload", std::move(payload)}});
    ASSERT_EQ(a.status, expected) << a.body.dump();
  }

  // Polls the saga until it is in a terminal state (or 10 s pass).
  Json WaitTerminal(const std::string& id) {
    Json last;
    for (int i = 0; i < 1000; ++i) {
      Answer a = Call("GET", "/v1/sagas/" + id);
      if (a.status == 200) {
        last = a.body;
        std::string status = last.value("status", "");
        if (status == "COMPLETED" || status == "COMPENSATED" || status == "STUCK" || status == "CONFIRMED" ||
            status == "CANCELLED") {
          return last;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return last;
  }

};

std::string HeaderOf(const Answer& a, const std::string& name) {
  for (const auto& [key, value] : a.headers) {
    if (key == name) return value;
  }
  return "";
}

// The disk fills up: sagad keeps answering reads, refuses writes with 503
// and Retry-After, says so in /readyz and /metrics, and takes writes again
// by itself once there is space, with nothing lost.
TEST_F(SagadServerTest, AFullDiskRefusesWritesWithRetryAfterKeepsServingReadsAndRecoversByItself) {
  sagad::testing::FullDisk::Install();
  config_.store_url += std::string("?vfs=") + sagad::testing::FullDisk::kName;
  Boot();
  Command("payment", "OpenAccount", "seed-1", "c-1", {{"balance", 1000}});
  Command("payment", "OpenAccount", "seed-2", "c-2", {{"balance", 1000}});
  Json transfer = {{"transfer_id", "t-1"}, {"from", "c-1"}, {"to", "c-2"}, {"amount", 5}};
  ASSERT_EQ(Call("POST", "/v1/sagas/TransferMoney", transfer, "Idempotency-Key: t-1\r\n").status, 201);
  EXPECT_EQ(WaitTerminal("TransferMoney:t-1")["status"], "CONFIRMED");

  sagad::testing::FullDisk::SetFull(true);
  Json second = {{"transfer_id", "t-2"}, {"from", "c-1"}, {"to", "c-2"}, {"amount", 7}};
  Answer refused = Call("POST", "/v1/sagas/TransferMoney", second, "Idempotency-Key: t-2\r\n");
  EXPECT_EQ(refused.status, 503) << refused.body.dump();
  EXPECT_EQ(HeaderOf(refused, "retry-after"), "1");
  EXPECT_THAT(refused.body.value("detail", ""), HasSubstr("full"));
  Answer ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body.value("detail", ""), HasSubstr("refuses writes"));
  EXPECT_THAT(Call("GET", "/metrics").body.get<std::string>(), HasSubstr("sagad_store_failing 1"));
  EXPECT_EQ(Call("GET", "/v1/sagas/TransferMoney:t-1").status, 200) << "reads go on";
  EXPECT_EQ(Call("GET", "/v1/sagas/TransferMoney:t-2").status, 404) << "the refused start wrote nothing";

  sagad::testing::FullDisk::SetFull(false);
  Answer again = Call("POST", "/v1/sagas/TransferMoney", second, "Idempotency-Key: t-2\r\n");
  EXPECT_EQ(again.status, 201) << again.body.dump();
  EXPECT_EQ(WaitTerminal("TransferMoney:t-2")["status"], "CONFIRMED");
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
  EXPECT_THAT(Call("GET", "/metrics").body.get<std::string>(), HasSubstr("sagad_store_failing 0"));
  Shutdown();
  Boot();  // the file is consistent after all that
  EXPECT_EQ(Call("GET", "/v1/sagas/TransferMoney:t-2").body["status"], "CONFIRMED");
}

TEST_F(SagadServerTest, AnOrderPlacedWithTheOrderParticipantRunsThePlaceOrderSagaToTheEnd) {
  Boot();
  Command("inventory", "AddStock", "seed-1", "sku-1", {{"qty", 10}});
  Command("payment", "OpenAccount", "seed-2", "c-1", {{"balance", 1000}});
  Command("order", "PlaceOrder", "order-1", "o-1", {{"customer_id", "c-1"}, {"sku", "sku-1"}, {"qty", 2}, {"total", 300}});
  Json saga = WaitTerminal("PlaceOrder:o-1");
  EXPECT_EQ(saga["status"], "COMPLETED") << saga.dump(2);
  EXPECT_EQ(saga["definition"]["name"], "PlaceOrder");
  Answer first = Call("GET", "/v1/sagas/PlaceOrder:o-1?asOf=1");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["status"], "RUNNING") << "as it was right after SagaStarted";
  EXPECT_EQ(first.body["version"], 1);
  EXPECT_EQ(Call("GET", "/v1/sagas/PlaceOrder:o-1?asOf=9999").status, 404);
  std::int64_t started = saga["started_ms"];
  EXPECT_EQ(Call("GET", "/v1/sagas?since=" + std::to_string(started)).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/sagas?since=" + std::to_string(started + 1)).body["items"].size(), 0u);

  Answer events = Call("GET", "/v1/sagas/PlaceOrder:o-1/events");
  ASSERT_EQ(events.status, 200);
  EXPECT_EQ(events.body["events"][0]["type"], "SagaStarted");

  Answer abort = Call("POST", "/v1/sagas/PlaceOrder:o-1/abort", Json{{"reason", "too late"}});
  EXPECT_EQ(abort.status, 409) << abort.body.dump();

  Answer metrics = Call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  std::string text = metrics.body.get<std::string>();
  EXPECT_THAT(text, HasSubstr("sagad_sagas_completed_total{definition=\"PlaceOrder\"} 1"));
  EXPECT_THAT(text, HasSubstr("sagad_step_duration_seconds_count{definition=\"PlaceOrder\",step=\"charge_payment\"} 1"));
  EXPECT_THAT(text, HasSubstr("sagad_group_commit_commands_count"));
}

TEST_F(SagadServerTest, InsufficientFundsCompensatesAndRejectsTheOrder) {
  Boot();
  Command("inventory", "AddStock", "seed-1", "sku-1", {{"qty", 10}});
  Command("payment", "OpenAccount", "seed-2", "c-2", {{"balance", 100}});
  Command("order", "PlaceOrder", "order-2", "o-2", {{"customer_id", "c-2"}, {"sku", "sku-1"}, {"qty", 1}, {"total", 500}});
  Json saga = WaitTerminal("PlaceOrder:o-2");
  EXPECT_EQ(saga["status"], "COMPENSATED") << saga.dump(2);
}

TEST_F(SagadServerTest, StartOverTheApiIsIdempotentByKeyAndSurvivesARestart) {
  Boot();
  Command("payment", "OpenAccount", "seed-a", "a", {{"balance", 100}});
  Command("payment", "OpenAccount", "seed-b", "b", {{"balance", 0}});
  Json input = {{"transfer_id", "t-1"}, {"from", "a"}, {"to", "b"}, {"amount", 40}};
  Answer first = Call("POST", "/v1/sagas/TransferMoney", input);
  ASSERT_EQ(first.status, 201) << first.body.dump();
  Answer again = Call("POST", "/v1/sagas/TransferMoney", input);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["id"], first.body["id"]);
  std::string id = first.body["id"];
  EXPECT_EQ(WaitTerminal(id)["status"], "CONFIRMED");

  Shutdown();
  Boot();
  Answer after = Call("GET", "/v1/sagas/" + id);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body["status"], "CONFIRMED");
  Answer definitions = Call("GET", "/v1/definitions");
  EXPECT_EQ(definitions.body["definitions"].size(), 2u);
}

TEST_F(SagadServerTest, BadRequestsGetAClearErrorAndChangeNothing) {
  Boot();
  EXPECT_EQ(Call("GET", "/v1/sagas/nope").status, 404);
  EXPECT_EQ(Call("POST", "/v1/sagas/NoSuchSaga", Json::object()).status, 404);
  Answer no_key = Call("POST", "/v1/sagas/PlaceOrder", Json{{"sku", "x"}});
  EXPECT_EQ(no_key.status, 400);
  EXPECT_THAT(no_key.body.value("detail", ""), HasSubstr("order_id"));
  http::testing::RawClient client(static_cast<std::uint16_t>(port_));
  auto garbage = client.Exchange(http::testing::HttpRequest("POST", "/v1/sagas/PlaceOrder", "{not json"));
  ASSERT_TRUE(garbage.has_value());
  EXPECT_EQ(garbage->status, 400);
  Answer unknown = Call("POST", "/v1/commands/nobody/Do", Json{{"command_id", "x"}, {"target", "y"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Call("GET", "/v1/sagas?since=yesterday").status, 400);
  Answer list = Call("GET", "/v1/sagas");
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(list.body["items"].empty());
}

TEST_F(SagadServerTest, MisconfigurationIsRefusedWithAClearMessage) {
  config_.definitions_dir = (dir_ / "missing").string();
  auto no_dir = SagadServer::Start(config_);
  EXPECT_THAT(no_dir.status().message(), HasSubstr("missing"));

  config_.definitions_dir = SampleSagas();
  config_.participants = {{"warehouse", ParticipantFlag::Kind::kInProcess, ""}};
  auto unknown = SagadServer::Start(config_);
  EXPECT_THAT(unknown.status().message(), HasSubstr("no built-in participant 'warehouse'"));

  config_.participants = {};
  std::ofstream(dir_ / "garbage.db") << "this is not a database, it is a text file that is long enough";
  config_.store_url = "sqlite:" + (dir_ / "garbage.db").string();
  auto corrupt = SagadServer::Start(config_);
  EXPECT_FALSE(corrupt.ok());
  EXPECT_THAT(corrupt.status().ToString(), HasSubstr("garbage.db"));
}

}  // namespace
}  // namespace sagad::app
