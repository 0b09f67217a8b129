// A whole sagad (in-process, SQLite) with one participant that misbehaves
// over HTTP: for a burst shorter than the step's retry budget the saga
// completes, having resent the same command; misbehaving forever, the saga
// goes STUCK with the fault in its reason, and an operator's retry once the
// participant is fixed ends it; in between, a burst that outlasts the
// retries but not the resends that resolve the step ends COMPENSATED. Through all of it sagad answers /healthz and
// its store passes the crash suite's audit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "apps/sagad/testing/sagad_fixture.h"
#include "tests/crash/store_audit.h"
#include "tests/faults/misbehaving_participant.h"

namespace sagad::faults {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// `book` on a participant that always behaves, then `charge` on the one that
// misbehaves. 1s per attempt keeps the silent faults quick and is still
// ample for a correct answer on a busy machine (CI runs two tests at once
// on two cores): a correct answer later than that would be one attempt more. 1 + 4 attempts, then 2
// resends to resolve the step in doubt before the saga is STUCK.
constexpr char kDefinition[] = R"(saga FaultProbe {
  version 1
  start on api
  key $.probe_id

  step book {
    send steady.Book to $.probe_id { }
    success steady.Booked
    compensate steady.CancelBooking to $.probe_id { }
  }

  step charge {
    send flaky.Charge to $.probe_id { amount: 5 }
    success flaky.Charged capture charge_id
    failure flaky.ChargeDeclined
    compensate flaky.Refund to $.probe_id { charge_id: $.charge.charge_id }
    timeout 1s
    retry 4 backoff 10ms..40ms
    resolve retry 2 backoff 10ms..40ms
  }
}
)";
constexpr int kAttemptsBeforeInDoubt = 1 + 4;
constexpr int kAttemptsBeforeStuck = kAttemptsBeforeInDoubt + 2;
constexpr char kStepTimeout[] = "no reply within 1s";
constexpr char kChargeId[] = "FaultProbe:p-1/charge/do";

// Only a hung saga ever gets near it; nothing is asserted about time.
constexpr auto kSettleWait = std::chrono::seconds(30);

std::map<std::string, Json> CorrectAnswers() {
  return {{"Book", {{"event", "Booked"}}},
          {"CancelBooking", {{"event", "BookingCancelled"}}},
          {"Charge", {{"event", "Charged"}, {"data", {{"charge_id", "ch-1"}}}}},
          {"Refund", {{"event", "Refunded"}}}};
}

std::vector<int> OneToN(int n) {
  std::vector<int> attempts;
  for (int i = 1; i <= n; ++i) attempts.push_back(i);
  return attempts;
}

class FaultsTest : public app::testing::SagadFixture {
 protected:
  void BootWith(std::map<std::string, Json> answers) {
    participant_ = std::make_unique<MisbehavingParticipant>("Charge", std::move(answers));
    std::filesystem::path sagas = dir_ / "sagas";
    std::filesystem::create_directories(sagas);
    std::ofstream(sagas / "fault_probe.saga") << kDefinition;
    config_.definitions_dir = sagas.string();
    config_.participants = {{"steady", app::ParticipantFlag::Kind::kHttp, participant_->Url("steady")},
                            {"flaky", app::ParticipantFlag::Kind::kHttp, participant_->Url("flaky")}};
    Boot();
  }

  std::string StartProbe() {
    app::testing::Answer started = Call("POST", "/v1/sagas/FaultProbe", Json{{"probe_id", "p-1"}});
    EXPECT_EQ(started.status, 201) << started.body.dump();
    std::string id = started.body.value("id", "");
    acknowledged_.push_back(id);
    return id;
  }

  // The saga's view once it stopped moving: finished, or STUCK.
  Json WaitSettled(const std::string& id) {
    Json view;
    for (auto until = std::chrono::steady_clock::now() + kSettleWait; std::chrono::steady_clock::now() < until;) {
      app::testing::Answer a = Call("GET", "/v1/sagas/" + id);
      if (a.status == 200) {
        view = a.body;
        std::string status = view.value("status", "");
        if (status == "COMPLETED" || status == "COMPENSATED" || status == "STUCK" || status == "ABORTED") return view;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << id << " did not settle: " << view.dump(2);
    return view;
  }

  // Every reason the saga's history records, one per line.
  std::string HistoryReasons(const std::string& id) {
    app::testing::Answer a = Call("GET", "/v1/sagas/" + id + "/events");
    EXPECT_EQ(a.status, 200);
    std::string reasons;
    for (const Json& e : a.body.value("events", Json::array())) {
      const Json& payload = e.value("payload", Json::object());
      for (const char* key : {"reason", "why"}) {
        if (payload.contains(key) && payload[key].is_string()) reasons += payload[key].get<std::string>() + "\n";
      }
    }
    return reasons;
  }

  void ExpectHealthy() { EXPECT_EQ(Call("GET", "/healthz").status, 200); }

  // The same command id on every send, attempts 1..n in order.
  void ExpectChargeSentAs(int attempts) {
    std::vector<int> seen;
    for (const ReceivedCommand& c : participant_->ReceivedOf("Charge")) {
      EXPECT_EQ(c.command_id, kChargeId);
      seen.push_back(c.attempt);
    }
    EXPECT_THAT(seen, ElementsAreArray(OneToN(attempts)));
  }

  // The crash suite's invariants over the store sagad leaves behind.
  void ExpectStoreSound() {
    Shutdown();
    Result<crash::StoreContents> store = crash::ReadStore(config_.store_url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    crash::Audit audit = crash::AuditStore(*store, acknowledged_);
    EXPECT_EQ(audit.sagas, acknowledged_.size());
    for (const crash::Violation& v : audit.violations) ADD_FAILURE() << v.what;
  }

  std::unique_ptr<MisbehavingParticipant> participant_;  // outlives sagad: TearDown stops sagad first
  std::vector<std::string> acknowledged_;
};

struct FaultCase {
  Fault fault;
  std::string in_history;  // what the saga's history says about a misbehaving send
  std::string in_view;     // what GET /v1/sagas/{id} says once the retries are spent
};

// ctest names each case with its parameter printed: the fault, not its bytes.
void PrintTo(const FaultCase& c, std::ostream* os) { *os << FaultName(c.fault); }

std::string ExpectedInHistory(const FaultCase& c, const MisbehavingParticipant& p) {
  // The redirect's reason must say where it points; the case cannot know the port.
  return c.fault == Fault::kRedirect ? c.in_history + p.RedirectLocation() : c.in_history;
}

const FaultCase kCases[] = {
    {Fault::kNotHttp, "is not HTTP: it begins", "is not HTTP"},
    {Fault::kRedirect, "redirects to ", "sagad does not follow redirects"},
    {Fault::kUnknownEvent, "event ChargeQueued is neither a success nor a failure event of step charge", kStepTimeout},
    {Fault::kMalformedBody, "with a malformed body", "with a malformed body"},
    {Fault::kHugeBody, "is larger than 1048576 bytes", "is larger than 1048576 bytes"},
    {Fault::kNeverEnds, kStepTimeout, kStepTimeout},
    {Fault::kServerError, "HTTP 503 from", "database unavailable"},
    {Fault::kSilence, kStepTimeout, kStepTimeout},
};

class FaultBurstTest : public FaultsTest, public ::testing::WithParamInterface<FaultCase> {};
class FaultPastRetriesTest : public FaultsTest, public ::testing::WithParamInterface<FaultCase> {};
class FaultForeverTest : public FaultsTest, public ::testing::WithParamInterface<FaultCase> {};

// Two bad answers, then good ones: within `retry 4`, so the saga completes,
// and the participant saw one command id, attempts 1, 2, 3.
TEST_P(FaultBurstTest, CompletesAfterResendingTheSameCommand) {
  BootWith(CorrectAnswers());
  participant_->MisbehaveFor(GetParam().fault, 2);

  std::string id = StartProbe();
  ExpectHealthy();
  Json view = WaitSettled(id);

  EXPECT_EQ(view["status"], "COMPLETED") << view.dump(2);
  ExpectChargeSentAs(3);
  EXPECT_THAT(HistoryReasons(id), HasSubstr(ExpectedInHistory(GetParam(), *participant_)));
  EXPECT_THAT(participant_->ReceivedOf("Refund"), IsEmpty());
  EXPECT_EQ(participant_->RedirectTargetHits(), 0) << "a redirect was followed";
  ExpectHealthy();
  ExpectStoreSound();
}

// One bad answer more than `retry 4` allows: the step is in doubt, so the
// saga turns to compensation and first resends the charge to learn its
// outcome (`resolve retry 2`). The second resend succeeds: the charge
// happened, so it is refunded and the booking cancelled, and the saga ends
// COMPENSATED with the fault as its failure.
TEST_P(FaultPastRetriesTest, CompensatesOnceAResendToResolveTheStepSucceeds) {
  BootWith(CorrectAnswers());
  participant_->MisbehaveFor(GetParam().fault, kAttemptsBeforeInDoubt + 1);

  std::string id = StartProbe();
  ExpectHealthy();
  Json view = WaitSettled(id);

  EXPECT_EQ(view["status"], "COMPENSATED") << view.dump(2);
  EXPECT_EQ(view["failure"]["step"], "charge");
  EXPECT_THAT(view["failure"].value("reason", ""), HasSubstr(GetParam().in_view));
  ExpectChargeSentAs(kAttemptsBeforeInDoubt + 2);
  EXPECT_EQ(participant_->ReceivedOf("Refund").size(), 1u);
  EXPECT_EQ(participant_->ReceivedOf("CancelBooking").size(), 1u);
  EXPECT_EQ(participant_->RedirectTargetHits(), 0) << "a redirect was followed";
  ExpectHealthy();
  ExpectStoreSound();
}

// Misbehaving past every retry: the step is in doubt, its resends to resolve
// it fail too, and the saga is STUCK saying why, without compensating what
// may not have happened. Fixed, an operator's retry resends the same command;
// the saga, which had turned to compensation, undoes both steps.
TEST_P(FaultForeverTest, IsStuckWithTheFaultInItsReasonUntilAnOperatorRetries) {
  BootWith(CorrectAnswers());
  participant_->MisbehaveForever(GetParam().fault);

  std::string id = StartProbe();
  ExpectHealthy();
  Json stuck = WaitSettled(id);

  ASSERT_EQ(stuck["status"], "STUCK") << stuck.dump(2);
  EXPECT_THAT(stuck.value("stuck_reason", ""), HasSubstr("step charge is in doubt"));
  EXPECT_THAT(stuck.value("stuck_reason", ""), HasSubstr(GetParam().in_view));
  EXPECT_THAT(HistoryReasons(id), HasSubstr(ExpectedInHistory(GetParam(), *participant_)));
  ExpectChargeSentAs(kAttemptsBeforeStuck);
  EXPECT_THAT(participant_->ReceivedOf("Refund"), IsEmpty()) << "compensated a charge whose outcome is unknown";
  EXPECT_THAT(participant_->ReceivedOf("CancelBooking"), IsEmpty()) << "undid book before charge was resolved";
  ExpectHealthy();

  participant_->Recover();
  app::testing::Answer retry =
      Call("POST", "/v1/sagas/" + id + "/retry", Json{{"reason", "participant fixed"}, {"step", "charge"}});
  ASSERT_EQ(retry.status, 200) << retry.body.dump();
  Json ended = WaitSettled(id);

  EXPECT_EQ(ended["status"], "COMPENSATED") << ended.dump(2);
  ExpectChargeSentAs(kAttemptsBeforeStuck + 1);
  EXPECT_EQ(participant_->ReceivedOf("Refund").size(), 1u);
  EXPECT_EQ(participant_->ReceivedOf("CancelBooking").size(), 1u);
  EXPECT_EQ(participant_->RedirectTargetHits(), 0) << "a redirect was followed";
  ExpectHealthy();
  ExpectStoreSound();
}

std::string CaseName(const ::testing::TestParamInfo<FaultCase>& info) { return FaultName(info.param.fault); }

INSTANTIATE_TEST_SUITE_P(Faults, FaultBurstTest, ::testing::ValuesIn(kCases), CaseName);
INSTANTIATE_TEST_SUITE_P(Faults, FaultPastRetriesTest, ::testing::ValuesIn(kCases), CaseName);
INSTANTIATE_TEST_SUITE_P(Faults, FaultForeverTest, ::testing::ValuesIn(kCases), CaseName);

// Not a fault: the protocol reads a 2xx without an event as the step's
// success (docs/participants.md), so the saga completes at the first send,
// with what `data` carried captured.
TEST_F(FaultsTest, ATwoHundredWithoutAnEventIsTheStepsSuccess) {
  std::map<std::string, Json> answers = CorrectAnswers();
  answers["Charge"] = {{"data", {{"charge_id", "ch-7"}}}};
  BootWith(std::move(answers));

  std::string id = StartProbe();
  Json view = WaitSettled(id);

  EXPECT_EQ(view["status"], "COMPLETED") << view.dump(2);
  EXPECT_EQ(view["context"]["charge"]["charge_id"], "ch-7") << view.dump(2);
  ExpectChargeSentAs(1);
  ExpectStoreSound();
}

}  // namespace
}  // namespace sagad::faults
