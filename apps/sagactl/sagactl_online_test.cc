// The built sagactl binary against a whole sagad started in-process (SQLite
// in a temporary directory, the sample's definitions and participants):
// what each online command prints, --json, and the exit codes (0 ok,
// 1 refused, 2 unreachable or usage).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp, setenv
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "apps/sagad/sagad_server.h"
#include "core/json.h"
#include "apps/sagad/testing/sagad_fixture.h"
#include "http-api/testing/raw_client.h"

namespace sagad::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class SagactlOnlineTest : public testing::SagadFixture {
 protected:
  void Boot() {
    testing::SagadFixture::Boot();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
  }

  int Post(const std::string& target, const Json& body, const std::string& headers = "") {
    return Call("POST", target, body, headers).status;
  }

  // Seeds stock and an account and places an order, which the PlaceOrder
  // saga completes.
  void PlaceOrder() {
    std::string auth = config_.admin_token.empty() ? "" : "Authorization: Bearer " + config_.admin_token + "\r\n";
    ASSERT_EQ(Post("/v1/commands/inventory/AddStock",
                   {{"command_id", "seed-1"}, {"target", "sku-1"}, {"payload", {{"qty", 10}}}}, auth), 200);
    ASSERT_EQ(Post("/v1/commands/payment/OpenAccount",
                   {{"command_id", "seed-2"}, {"target", "c-1"}, {"payload", {{"balance", 1000}}}}, auth), 200);
    ASSERT_EQ(Post("/v1/commands/order/PlaceOrder",
                   {{"command_id", "order-1"},
                    {"target", "o-1"},
                    {"payload", {{"customer_id", "c-1"}, {"sku", "sku-1"}, {"qty", 2}, {"total", 300}}}},
                   auth), 200);
    for (int i = 0; i < 1000; ++i) {
      if (Sagactl("show PlaceOrder:o-1").out.find("COMPLETED") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "PlaceOrder:o-1 did not complete";
  }

  // Runs sagactl against this sagad (unless the arguments name a server).
  CommandRun Sagactl(const std::string& arguments, const std::string& environment = "") {
    fs::path err = dir_ / "stderr.txt";
    bool has_server = arguments.find("--server") != std::string::npos;
    std::string command = environment + " " + SAGACTL_PATH + (has_server ? "" : " --server " + url_) + " " +
                          arguments + " 2>" + err.string();
    CommandRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err);
    run.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return run;
  }

  std::string url_;
};

TEST_F(SagactlOnlineTest, ListShowAndEventsPrintTables) {
  Boot();
  PlaceOrder();

  CommandRun list = Sagactl("list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("ID              DEFINITION    STATUS"));
  EXPECT_THAT(list.out, HasSubstr("PlaceOrder:o-1  PlaceOrder@1  COMPLETED"));
  EXPECT_THAT(Sagactl("list --status COMPENSATED").out, Not(HasSubstr("PlaceOrder:o-1")));
  EXPECT_THAT(Sagactl("list --definition PlaceOrder --limit 1").out, HasSubstr("PlaceOrder:o-1"));

  CommandRun show = Sagactl("show PlaceOrder:o-1");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("status      COMPLETED\n"));
  EXPECT_THAT(show.out, HasSubstr("definition  PlaceOrder@1\n"));
  EXPECT_THAT(show.out, HasSubstr("STEP            STATUS     ATTEMPTS  COMPENSATIONS  LAST ERROR\n"));
  EXPECT_THAT(show.out, HasSubstr("reserve_stock   SUCCEEDED  1         0\n"));
  EXPECT_THAT(show.out, HasSubstr("approve_order   SUCCEEDED  1"));

  CommandRun events = Sagactl("events PlaceOrder:o-1");
  EXPECT_EQ(events.exit_code, 0) << events.err;
  EXPECT_THAT(events.out, HasSubstr("SagaStarted"));
  EXPECT_THAT(events.out, HasSubstr("SagaCompleted"));
}

TEST_F(SagactlOnlineTest, JsonPrintsTheServersAnswer) {
  Boot();
  PlaceOrder();
  CommandRun show = Sagactl("show PlaceOrder:o-1 --json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  Result<Json> parsed = ParseJson(show.out);
  ASSERT_TRUE(parsed.ok()) << show.out;
  EXPECT_EQ((*parsed)["id"], "PlaceOrder:o-1");
  EXPECT_EQ((*parsed)["steps"].size(), 3u);

  Result<Json> list = ParseJson(Sagactl("--json list").out);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)["items"][0]["id"], "PlaceOrder:o-1");
}

TEST_F(SagactlOnlineTest, DefinitionsAndStartWhichIsIdempotentByKey) {
  Boot();
  CommandRun definitions = Sagactl("definitions");
  EXPECT_EQ(definitions.exit_code, 0) << definitions.err;
  EXPECT_THAT(definitions.out, HasSubstr("NAME           VERSION  KIND  HASH\n"));
  EXPECT_THAT(definitions.out, HasSubstr("PlaceOrder     1        saga"));
  EXPECT_THAT(definitions.out, HasSubstr("TransferMoney  1        tcc"));

  ASSERT_EQ(Post("/v1/commands/payment/OpenAccount",
                 {{"command_id", "seed-a"}, {"target", "a"}, {"payload", {{"balance", 100}}}}), 200);
  ASSERT_EQ(Post("/v1/commands/payment/OpenAccount",
                 {{"command_id", "seed-b"}, {"target", "b"}, {"payload", {{"balance", 0}}}}), 200);
  std::string input = R"('{"transfer_id":"t-1","from":"a","to":"b","amount":40}')";
  CommandRun started = Sagactl("start TransferMoney --key k-1 --input " + input);
  EXPECT_EQ(started.exit_code, 0) << started.err;
  EXPECT_THAT(started.out, HasSubstr("started TransferMoney:"));
  CommandRun again = Sagactl("start TransferMoney --key k-1 --input " + input);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("already started (same key): TransferMoney:"));

  CommandRun bad_input = Sagactl("start TransferMoney --input '{not json'");
  EXPECT_EQ(bad_input.exit_code, 2);
  EXPECT_THAT(bad_input.err, HasSubstr("--input must be a JSON object"));
  CommandRun unknown = Sagactl("start NoSuchSaga --input '{}'");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("(HTTP 404)"));
}

TEST_F(SagactlOnlineTest, RefusedActionsExitOneWithTheProblemsDetail) {
  Boot();
  PlaceOrder();
  CommandRun abort = Sagactl("abort PlaceOrder:o-1 --reason 'too late'");
  EXPECT_EQ(abort.exit_code, 1);
  EXPECT_THAT(abort.err, HasSubstr("saga PlaceOrder:o-1 is COMPLETED"));
  EXPECT_THAT(abort.err, HasSubstr("(HTTP 409)"));
  EXPECT_TRUE(abort.out.empty()) << abort.out;

  CommandRun missing = Sagactl("show nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no saga or tcc instance 'nope'"));
}

TEST_F(SagactlOnlineTest, UnreachableServerAndBadUsageExitTwo) {
  Boot();
  int port = server_->port();
  server_->Stop();
  CommandRun unreachable = Sagactl("--server http://127.0.0.1:" + std::to_string(port) + " list");
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_THAT(unreachable.err, HasSubstr("cannot reach sagad at http://127.0.0.1:" + std::to_string(port)));

  EXPECT_EQ(Sagactl("--server ftp://x list").exit_code, 2);
  EXPECT_EQ(Sagactl("retry PlaceOrder:o-1").exit_code, 2);  // --reason is required
  EXPECT_EQ(Sagactl("list --limit 0").exit_code, 2);
  EXPECT_EQ(Sagactl("show").exit_code, 2);
}

TEST_F(SagactlOnlineTest, TheTokenComesFromTheFlagOrTheEnvironment) {
  config_.admin_token = "s3cret";
  Boot();
  std::string input = "--input '{\"transfer_id\":\"t-2\",\"from\":\"a\",\"to\":\"b\",\"amount\":1}'";
  CommandRun without = Sagactl("start TransferMoney " + input);
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_THAT(without.err, HasSubstr("(HTTP 401)"));
  EXPECT_EQ(Sagactl("--token wrong start TransferMoney " + input).exit_code, 1);
  CommandRun flag = Sagactl("--token s3cret start TransferMoney " + input);
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  CommandRun env = Sagactl("start TransferMoney " + input, "SAGAD_ADMIN_TOKEN=s3cret");
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_THAT(env.out, HasSubstr("already started"));
}

TEST(SagactlHelp, OnlineCommandsHaveHelp) {
  for (const char* command : {"list", "show", "events", "retry", "skip", "abort", "pause", "resume", "definitions",
                              "start"}) {
    std::string line = std::string(SAGACTL_PATH) + " " + command + " --help 2>&1";
    FILE* pipe = popen(line.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    int status = pclose(pipe);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << command;
    EXPECT_THAT(out, HasSubstr("--server")) << command << out;
  }
}

}  // namespace
}  // namespace sagad::app
