// The Python example participant (examples/inventory_participant.py) driven
// through HttpTransport: the protocol's idempotency rules as a participant
// must implement them, and proof that the example works with sagad.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "participants/http/http_transport.h"
#include "participants/http/transport_test_support.h"

extern char** environ;

namespace sagad::participants {
namespace {

using coordinator::Reply;
using httptest::Command;
using httptest::SendAndWait;

// Runs the script on a free port with sku-1 = 5 units (and `extra`
// arguments); stops it on scope exit.
class InventoryParticipant {
 public:
  explicit InventoryParticipant(std::vector<std::string> extra = {}) {
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<const char*> argv = {SAGAD_PYTHON, SAGAD_INVENTORY_PARTICIPANT, "--port", "0", "--stock", "sku-1=5",
                                     "--quiet"};
    for (const std::string& arg : extra) argv.push_back(arg.c_str());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, SAGAD_PYTHON, &actions, nullptr, const_cast<char**>(argv.data()), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    // The script prints its port first; a blocking read is bounded by the
    // script starting (or dying: EOF).
    FILE* stdout_of_child = fdopen(out[0], "r");
    char line[32] = {};
    if (stdout_of_child && fgets(line, sizeof line, stdout_of_child)) port_ = std::atoi(line);
    if (stdout_of_child) fclose(stdout_of_child);
  }
  ~InventoryParticipant() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class InventoryParticipantTest : public ::testing::Test {
 protected:
  explicit InventoryParticipantTest(std::vector<std::string> extra = {}) : participant_(std::move(extra)) {}

  void SetUp() override {
    ASSERT_GT(participant_.port(), 0) << "the participant did not start";
    auto t = HttpTransport::Create("http://127.0.0.1:" + std::to_string(participant_.port()) + "/inventory");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    transport_ = std::move(t).value();
  }

  Reply Send(const std::string& id, const std::string& type, const std::string& order, int qty) {
    return SendAndWait(*transport_, Command(id, type, Json{{"order_id", order}, {"qty", qty}}));
  }

  InventoryParticipant participant_;
  std::unique_ptr<HttpTransport> transport_;
};

TEST_F(InventoryParticipantTest, ReservesAndRefusesBeyondTheStock) {
  Reply reserved = Send("o-1/reserve/do/1", "ReserveStock", "o-1", 3);
  EXPECT_EQ(reserved.outcome, Reply::Outcome::kEvent) << reserved.reason;
  EXPECT_EQ(reserved.event_type, "StockReserved");
  EXPECT_EQ(reserved.data["available"], 2);

  Reply refused = Send("o-2/reserve/do/1", "ReserveStock", "o-2", 3);
  EXPECT_EQ(refused.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(refused.event_type, "StockRejected");
  EXPECT_NE(refused.reason.find("out of stock"), std::string::npos) << refused.reason;
}

TEST_F(InventoryParticipantTest, ARepeatedCommandIsAnsweredAgainAndAppliedOnce) {
  Reply first = Send("o-1/reserve/do/1", "ReserveStock", "o-1", 3);
  Reply again = Send("o-1/reserve/do/1", "ReserveStock", "o-1", 3);
  Reply retry = Send("o-1/reserve/do/2", "ReserveStock", "o-1", 3);  // same order, new attempt

  EXPECT_EQ(first.event_type, "StockReserved");
  EXPECT_EQ(again.event_type, "StockReserved");
  EXPECT_EQ(again.data, first.data);
  EXPECT_EQ(retry.event_type, "StockReserved");
  EXPECT_EQ(retry.data["available"], 2) << "the order's stock was taken once";
}

TEST_F(InventoryParticipantTest, ReleaseGivesStockBackOnce) {
  Send("o-1/reserve/do/1", "ReserveStock", "o-1", 5);
  Reply released = Send("o-1/reserve/compensate/1", "ReleaseStock", "o-1", 5);
  Reply again = Send("o-1/reserve/compensate/2", "ReleaseStock", "o-1", 5);

  EXPECT_EQ(released.event_type, "StockReleased");
  EXPECT_EQ(released.data["available"], 5);
  EXPECT_EQ(again.event_type, "StockReleased");
  EXPECT_EQ(again.data["available"], 5) << "a second release must not add stock";
}

TEST_F(InventoryParticipantTest, AReserveArrivingAfterItsReleaseIsRefused) {
  Reply released = Send("o-9/reserve/compensate/1", "ReleaseStock", "o-9", 2);
  Reply late = Send("o-9/reserve/do/1", "ReserveStock", "o-9", 2);

  EXPECT_EQ(released.event_type, "StockReleased");
  EXPECT_EQ(released.data["qty"], 0);
  EXPECT_EQ(late.outcome, Reply::Outcome::kFailure);
}

TEST_F(InventoryParticipantTest, AddStockIsAppliedOncePerCommandId) {
  auto add = [&](const std::string& id, Json qty) {
    return SendAndWait(*transport_, Command(id, "AddStock", Json{{"qty", std::move(qty)}}));
  };
  Reply added = add("seed/stock/sku-1", 4);
  Reply again = add("seed/stock/sku-1", 4);  // a resend: answered again, not added twice
  Reply zero = add("restock/sku-1", 0);

  EXPECT_EQ(added.event_type, "StockAdded") << added.reason;
  EXPECT_EQ(added.data["available"], 9);
  EXPECT_EQ(again.data, added.data);
  EXPECT_EQ(zero.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(Send("o-1/reserve/do/1", "ReserveStock", "o-1", 9).data["available"], 0) << "5 seeded + 4 added, once";
}

TEST_F(InventoryParticipantTest, BadCommandsAreRefusedOrRetriedNeverApplied) {
  Reply negative = Send("o-1/reserve/do/1", "ReserveStock", "o-1", -4);
  EXPECT_EQ(negative.outcome, Reply::Outcome::kFailure);
  EXPECT_NE(negative.reason.find("positive integer"), std::string::npos) << negative.reason;

  Reply unknown = Send("o-1/x/do/1", "ShipParcel", "o-1", 1);
  EXPECT_EQ(unknown.outcome, Reply::Outcome::kTransient);
  EXPECT_NE(unknown.reason.find("HTTP 404"), std::string::npos) << unknown.reason;

  Reply all = Send("o-2/reserve/do/1", "ReserveStock", "o-2", 5);
  EXPECT_EQ(all.event_type, "StockReserved") << "nothing was taken by the refused commands";
}

TEST_F(InventoryParticipantTest, ACompensationThatOvertakesItsForwardCommandIsANullCompensation) {
  coordinator::OutgoingCommand release = Command("o-7/reserve/compensate", "ReleaseStock", Json{{"order_id", "o-7"}, {"qty", 2}});
  release.compensates = coordinator::ForwardCommand{"o-7/reserve/do", "ReserveStock", "sku-1"};
  Reply undone = SendAndWait(*transport_, release);
  EXPECT_EQ(undone.outcome, Reply::Outcome::kEvent) << undone.reason;
  EXPECT_EQ(undone.event_type, "CompensatedBeforeForward");

  coordinator::OutgoingCommand reserve = Command("o-7/reserve/do", "ReserveStock", Json{{"order_id", "o-7"}, {"qty", 2}});
  reserve.compensable = true;
  Reply late = SendAndWait(*transport_, reserve);
  EXPECT_EQ(late.outcome, Reply::Outcome::kFailure) << "a late forward command leaves no reservation behind";
  EXPECT_EQ(Send("o-8/reserve/do", "ReserveStock", "o-8", 5).data["available"], 0) << "all 5 units still there";
}

// The participant with injected lost replies: it does the work, then answers
// 500. With --fault-seed 1 and rate 0.5 the first reply is lost and the
// second is not (Python's random.Random(1): 0.134..., 0.847...).
class LossyInventoryParticipantTest : public InventoryParticipantTest {
 protected:
  LossyInventoryParticipantTest() : InventoryParticipantTest({"--lose-replies", "0.5", "--fault-seed", "1"}) {}
};

TEST_F(LossyInventoryParticipantTest, ARetryAfterALostReplyGetsTheFirstAnswer) {
  Reply lost = Send("o-1/reserve/do", "ReserveStock", "o-1", 3);
  EXPECT_EQ(lost.outcome, Reply::Outcome::kTransient);
  EXPECT_NE(lost.reason.find("HTTP 500"), std::string::npos) << lost.reason;
  Reply retry = Send("o-1/reserve/do", "ReserveStock", "o-1", 3);
  EXPECT_EQ(retry.event_type, "StockReserved") << retry.reason;
  EXPECT_EQ(retry.data["available"], 2) << "the work of the lost attempt, not done again";
}

}  // namespace
}  // namespace sagad::participants
