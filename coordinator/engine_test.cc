// The engine end to end on the runtime with fake participants and a fake
// clock: what users see of a saga's life (outcomes, compensation order,
// retries, timeouts, STUCK and operator action, TCC), restarts in every
// phase, and definition versions pinned across a hot reload.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coordinator/engine_test_support.h"

namespace sagad::coordinator::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<FakeParticipant> Participant(FakeParticipant::Script script) {
  return std::make_shared<FakeParticipant>(std::move(script));
}

Json Order(const std::string& id) {
  return Json{{"order_id", id}, {"sku", "sku-1"}, {"qty", 2}, {"customer_id", "c-1"}, {"total", 30}};
}
Json Transfer(const std::string& id) { return Json{{"transfer_id", id}, {"from", "a"}, {"to", "b"}, {"amount", 5}}; }

std::size_t Count(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), x));
}

TEST(EngineTest, HappyPathCompletesSendsEachCommandOnceAndLeavesNothingActive) {
  Cluster c(TestCatalog(), Participant(Always(Act::kSucceed)));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  EXPECT_EQ(s.id, "PlaceOrder:o-1");
  EXPECT_TRUE(s.created);
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompleted);
  EXPECT_THAT(c.participant().sent(), ElementsAre("ReserveStock", "Charge", "ApproveOrder"));
  EXPECT_EQ(c.engine().TimerOf({saga::kAggregateType, s.id}), std::nullopt);
  EXPECT_THAT(*c.store().ListActive(), IsEmpty());
}

TEST(EngineTest, SameKeyStartsOneInstance) {
  Cluster c(TestCatalog(), Participant(Always(Act::kSucceed)));
  Started first = c.Start("PlaceOrder", Order("o-1"));
  Started again = c.Start("PlaceOrder", Order("o-1"));
  EXPECT_EQ(first.id, again.id);
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(again.created);
  Started by_header = c.Start("Shipping", Json{{"order_id", "x"}}, "client key/1");
  Started by_header_again = c.Start("Shipping", Json{{"order_id", "y"}}, "client key/1");
  EXPECT_EQ(by_header.id, by_header_again.id);
  EXPECT_FALSE(by_header_again.created);
  c.Settle();
  EXPECT_EQ(Count(c.participant().sent(), "ReserveStock"), 1u);
}

TEST(EngineTest, UnknownDefinitionAndBadInputAreRefusedWithoutStartingAnything) {
  Cluster c(TestCatalog(), Participant(Always(Act::kSucceed)));
  Result<Started> missing = c.engine().StartInstance({"NoSuchSaga", std::nullopt, Json::object(), ""}).get();
  EXPECT_TRUE(missing.status().Is(StatusCode::kNotFound)) << missing.status().ToString();
  Result<Started> no_key = c.engine().StartInstance({"PlaceOrder", std::nullopt, Json{{"sku", "s"}}, ""}).get();
  EXPECT_TRUE(no_key.status().Is(StatusCode::kInvalidArgument)) << no_key.status().ToString();
  EXPECT_EQ(c.store().LastPosition(), 0);
}

struct FailAt {
  const char* failing;
  std::vector<std::string> expected;
};

class EngineFailureTest : public ::testing::TestWithParam<FailAt> {};

TEST_P(EngineFailureTest, FailureAtAStepCompensatesTheEarlierOnesInReverse) {
  Cluster c(TestCatalog(), Participant(On(GetParam().failing, Act::kFail)));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  EXPECT_EQ(c.participant().sent(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, EngineFailureTest,
    ::testing::Values(FailAt{"ReserveStock", {"ReserveStock", "RejectOrder"}},
                      FailAt{"Charge", {"ReserveStock", "Charge", "ReleaseStock", "RejectOrder"}},
                      FailAt{"ApproveOrder",
                             {"ReserveStock", "Charge", "ApproveOrder", "Refund", "ReleaseStock", "RejectOrder"}}));

TEST(EngineTest, TransientFailuresAreRetriedWithBackoffUntilTheStepSucceeds) {
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int) {
              return cmd.command_type == "ReserveStock" && cmd.attempt < 3 ? Act::kTransient : Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompleted);
  EXPECT_EQ(Count(c.participant().sent(), "ReserveStock"), 3u);
  EXPECT_GT(c.clock().NowMs(), kT0) << "retries waited for their backoff";
}

TEST(EngineTest, CompensationThatFailsSomeTimesThenSucceedsEndsCompensated) {
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int) {
              if (cmd.command_type == "Charge") return Act::kFail;
              if (cmd.command_type == "ReleaseStock" && cmd.attempt < 4) return Act::kTransient;
              return Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  EXPECT_EQ(Count(c.participant().sent(), "ReleaseStock"), 4u);
}

TEST(EngineTest, CompensationThatNeverSucceedsIsStuckUntilAnOperatorRetries) {
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int) {
              if (cmd.command_type == "Charge") return Act::kFail;
              if (cmd.command_type == "ReleaseStock") return Act::kTransient;
              return Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kStuck);
  EXPECT_THAT(*c.store().ListActive(), ElementsAre(StreamId{saga::kAggregateType, s.id}));
  std::size_t attempts = Count(c.participant().sent(), "ReleaseStock");
  EXPECT_GT(attempts, 1u);

  c.participant().SetScript(Always(Act::kSucceed));  // the inventory service is fixed
  Command retry;
  retry.command_id = "op-1";
  retry.target = {saga::kAggregateType, s.id};
  retry.type = saga::kRetry;
  retry.payload = Json{{"actor", "alice"}, {"reason", "inventory fixed"}};
  CommandResult r = c.engine().Execute(retry).get();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  EXPECT_EQ(Count(c.participant().sent(), "ReleaseStock"), attempts + 1);
  EXPECT_THAT(*c.store().ListActive(), IsEmpty());
}

TEST(EngineTest, InvalidOperatorActionIsRefusedAndChangesNothing) {
  Cluster c(TestCatalog(), Participant(Always(Act::kSucceed)));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  std::int64_t before = c.store().LastPosition();
  Command resume;
  resume.command_id = "op-1";
  resume.target = {saga::kAggregateType, s.id};
  resume.type = saga::kResume;
  resume.payload = Json{{"actor", "alice"}, {"reason", "why not"}};
  CommandResult r = c.engine().Execute(resume).get();
  EXPECT_TRUE(r.status.Is(StatusCode::kFailedPrecondition)) << r.status.ToString();
  EXPECT_EQ(c.store().LastPosition(), before);
}

TEST(EngineTest, ARetryAfterALostReplyGetsTheFirstAnswerWithItsCapturedData) {
  // Attempt 1 of Charge is applied but its reply is lost (held); the retry
  // carries the same command id, so the participant answers it as the first
  // time: with the payment_id the Refund needs.
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int delivery) {
              if (cmd.command_type == "Charge" && delivery == 1) return Act::kHold;
              return cmd.command_type == "ApproveOrder" ? Act::kFail : Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle(100, /*withheld=*/1);
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  SagaState state = c.Read<SagaState>({saga::kAggregateType, s.id});
  EXPECT_EQ(state.context["charge_payment"]["payment_id"], "p-c-1");
  EXPECT_EQ(state.step("charge_payment")->status, StepStatus::kCompensated);
  EXPECT_EQ(Count(c.participant().sent(), "Charge"), 2u) << "one command, sent twice";
  EXPECT_EQ(Count(c.participant().sent(), "Refund"), 1u);
  for (const auto& [effect, times] : c.participant().effects()) EXPECT_EQ(times, 1) << effect;

  c.participant().ReleaseHeld();  // the lost reply turns up after all
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  EXPECT_EQ(Count(c.EventTypes({saga::kAggregateType, s.id}), saga::kDuplicateReplyIgnored), 1u)
      << "recorded, and changes nothing";
  EXPECT_EQ(Count(c.participant().sent(), "RejectOrder"), 1u) << "the final command is not sent twice";
}

TEST(EngineTest, AParallelStepInDoubtWhenItsSiblingIsRefusedIsResolvedAndCompensated) {
  // Book did the work but its reply was lost; Print is refused. Book is
  // resent (same id), answered with its first success, then undone.
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int delivery) {
              if (cmd.command_type == "Book" && delivery == 1) return Act::kHold;
              return cmd.command_type == "Print" ? Act::kFail : Act::kSucceed;
            }));
  Started s = c.Start("Shipping", Json{{"order_id", "x"}});
  c.Settle(100, /*withheld=*/1);
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  EXPECT_EQ(Count(c.participant().sent(), "CancelBooking"), 1u) << "the booking that did happen is undone";
  EXPECT_EQ(Count(c.participant().sent(), "Restock"), 1u);
  for (const auto& [effect, times] : c.participant().effects()) EXPECT_EQ(times, 1) << effect;
}

TEST(EngineTest, ParallelBranchesJoinAndOneFailingCompensatesTheOtherThenTheirParent) {
  Cluster c(TestCatalog(), Participant(On("Book", Act::kFail)));
  Started s = c.Start("Shipping", Json{{"order_id", "x"}});
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompensated);
  std::vector<std::string> sent = c.participant().sent();
  ASSERT_EQ(sent.size(), 5u) << ::testing::PrintToString(sent);
  EXPECT_EQ(sent[0], "Pick");
  EXPECT_THAT(std::vector<std::string>(sent.begin() + 1, sent.begin() + 3),
              ::testing::UnorderedElementsAre("Book", "Print"));
  EXPECT_EQ(sent[3], "Void");
  EXPECT_EQ(sent[4], "Restock");
}

TEST(EngineTest, TccConfirmsEveryBranchWhenEveryTrySucceeds) {
  Cluster c(TestCatalog(), Participant(Always(Act::kSucceed)));
  Started s = c.Start("TransferMoney", Transfer("t-1"));
  EXPECT_EQ(s.aggregate_type, tcc::kAggregateType);
  c.Settle();
  EXPECT_EQ(c.TccStatusOf(s.id), TccStatus::kConfirmed);
  EXPECT_EQ(Count(c.participant().sent(), "ConfirmDebit"), 1u);
  EXPECT_EQ(Count(c.participant().sent(), "ConfirmCredit"), 1u);
}

TEST(EngineTest, TccCancelsEveryBranchWhenOneTryIsRefused) {
  Cluster c(TestCatalog(), Participant(On("TryCredit", Act::kFail)));
  Started s = c.Start("TransferMoney", Transfer("t-1"));
  c.Settle();
  EXPECT_EQ(c.TccStatusOf(s.id), TccStatus::kCancelled);
  EXPECT_EQ(Count(c.participant().sent(), "CancelDebit"), 1u);
  EXPECT_EQ(Count(c.participant().sent(), "CancelCredit"), 1u);
  EXPECT_EQ(Count(c.participant().sent(), "ConfirmDebit"), 0u);
}

TEST(EngineTest, TccTimeoutCancelsBeforeTheTryAnswersAndTheLateTryIsIgnored) {
  Cluster c(TestCatalog(), Participant(On("TryDebit", Act::kHold)));
  Started s = c.Start("TransferMoney", Transfer("t-1"));
  c.Settle(100, /*withheld=*/1);
  EXPECT_EQ(c.TccStatusOf(s.id), TccStatus::kCancelled);
  EXPECT_EQ(Count(c.participant().sent(), "CancelDebit"), 1u) << "cancel-before-try reaches the participant";
  c.participant().ReleaseHeld();
  c.Settle();
  EXPECT_EQ(c.TccStatusOf(s.id), TccStatus::kCancelled);
  EXPECT_EQ(Count(c.EventTypes({tcc::kAggregateType, s.id}), tcc::kLateReplyIgnored), 1u);
}

TEST(EngineTest, CommandForAParticipantWithoutTransportIsRetriedThenStuckVisibly) {
  auto catalog = std::make_shared<DefinitionCatalog>();
  ASSERT_TRUE(catalog->AddSource(R"(
saga Lonely {
  step ask {
    send nobody.Ask to $.id { }
    success nobody.Answered
    retry 2 backoff 10ms..10ms
  }
})", "lonely.saga").ok());
  Cluster c(catalog, Participant(Always(Act::kSucceed)));
  Started s = c.Start("Lonely", Json{{"id", "1"}});
  c.Settle();
  SagaState state = c.Read<SagaState>({saga::kAggregateType, s.id});
  EXPECT_EQ(state.status(), SagaStatus::kStuck) << "in doubt as far as the saga can tell: an operator decides";
  EXPECT_EQ(state.step("ask")->status, StepStatus::kInDoubt);
  EXPECT_THAT(state.step("ask")->last_error, ::testing::HasSubstr("no transport for participant 'nobody'"));
}

// ---- overload ----

// Beyond max_in_flight a start is refused "retry later" and nothing of it
// is written; once answers come back, starts are taken again.
TEST(EngineTest, StartsBeyondMaxInFlightAreRefusedToRetryLaterAndTakenAgainOnceAnswersReturn) {
  Cluster c(TestCatalog(), Participant(Always(Act::kHold)), /*max_in_flight=*/3);
  for (int i = 1; i <= 3; ++i) {
    c.Start("PlaceOrder", Order("o-" + std::to_string(i)));
    // Settled: the start's own command has finished too, only the held calls remain.
    ASSERT_TRUE(Cluster::WaitFor([&] {
      return c.participant().held() == static_cast<std::size_t>(i) && c.engine().Stats().in_flight == i;
    }));
  }
  Result<Started> shed = c.engine().StartInstance({"PlaceOrder", std::nullopt, Order("o-4"), ""}).get();
  EXPECT_TRUE(shed.status().Is(StatusCode::kUnavailable)) << shed.status().ToString();
  EXPECT_THAT(shed.status().message(), ::testing::HasSubstr("limit of 3 commands in flight"));
  EXPECT_EQ(c.engine().Stats().shed, 1u);
  EXPECT_THAT(c.EventTypes({saga::kAggregateType, "PlaceOrder:o-4"}), IsEmpty()) << "a shed start writes nothing";

  c.participant().SetScript(Always(Act::kSucceed));
  c.participant().ReleaseHeld();
  c.Settle();
  Started again = c.Start("PlaceOrder", Order("o-4"));
  EXPECT_TRUE(again.created);
  c.Settle();
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(c.SagaStatusOf("PlaceOrder:o-" + std::to_string(i)), SagaStatus::kCompleted);
}

// A restart with many unfinished sagas resends their outstanding commands
// at most recovery_window at once, the rest as answers make room.
TEST(EngineRestartTest, RecoveryResendsAtMostTheWindowAtOnceAndTheRestAsAnswersReturn) {
  constexpr int kSagas = 10;
  Cluster c(TestCatalog(), Participant(Always(Act::kHold)), /*max_in_flight=*/0, /*recovery_window=*/3);
  for (int i = 1; i <= kSagas; ++i) c.Start("PlaceOrder", Order("o-" + std::to_string(i)));
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.participant().held() == kSagas; }));
  ASSERT_TRUE(c.engine().WaitIdle(10'000, kSagas));

  EXPECT_EQ(c.Restart(), static_cast<std::size_t>(kSagas));
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.participant().held() == 3; }));
  EXPECT_EQ(c.engine().Stats().recovery_backlog, kSagas - 3) << "the others wait for room";
  EXPECT_EQ(c.participant().held(), 3u) << "no more than the window is sent while nothing is answered";

  c.participant().SetScript(Always(Act::kSucceed));
  c.participant().ReleaseHeld();
  c.Settle();
  EXPECT_EQ(c.engine().Stats().recovery_backlog, 0);
  for (int i = 1; i <= kSagas; ++i) EXPECT_EQ(c.SagaStatusOf("PlaceOrder:o-" + std::to_string(i)), SagaStatus::kCompleted);
  // Each held command once before the crash and once resent, nothing more.
  EXPECT_EQ(Count(c.participant().sent(), "ReserveStock"), 2u * kSagas);
  EXPECT_EQ(Count(c.participant().sent(), "Charge"), 1u * kSagas);
  EXPECT_THAT(*c.store().ListActive(), IsEmpty());
}

// ---- restarts ----

// Where the crash happens: the participant holds (applies, but does not
// answer) the first delivery of this command; then the process dies.
struct CrashPoint {
  const char* name;
  const char* held;        // command type whose first answer is lost
  const char* failing;     // command type the participant refuses ("" for none)
  SagaStatus expected;
};

class EngineRestartTest : public ::testing::TestWithParam<CrashPoint> {};

TEST_P(EngineRestartTest, RestartInTheMiddleEndsLikeAnUninterruptedRunWithNoEffectAppliedTwice) {
  const CrashPoint& p = GetParam();
  std::string held = p.held;
  std::string failing = p.failing;
  auto script = [held, failing](const OutgoingCommand& cmd, int delivery) {
    if (cmd.command_type == failing) return Act::kFail;
    if (cmd.command_type == held && delivery == 1) return Act::kHold;
    return Act::kSucceed;
  };
  Cluster c(TestCatalog(), Participant(script));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.participant().held() == 1; })) << "the crash point was not reached";
  ASSERT_TRUE(c.engine().WaitIdle(10'000, 1));

  EXPECT_EQ(c.Restart(), 1u) << "the unfinished saga is resumed";
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), p.expected);
  for (const auto& [effect, times] : c.participant().effects()) EXPECT_EQ(times, 1) << effect;
  EXPECT_THAT(*c.store().ListActive(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    EveryPhase, EngineRestartTest,
    ::testing::Values(CrashPoint{"FirstStep", "ReserveStock", "", SagaStatus::kCompleted},
                      CrashPoint{"MiddleStep", "Charge", "", SagaStatus::kCompleted},
                      CrashPoint{"LastStep", "ApproveOrder", "", SagaStatus::kCompleted},
                      CrashPoint{"Compensation", "ReleaseStock", "Charge", SagaStatus::kCompensated},
                      CrashPoint{"FinalCommand", "RejectOrder", "Charge", SagaStatus::kCompensated}),
    [](const ::testing::TestParamInfo<CrashPoint>& info) { return std::string(info.param.name); });

TEST(EngineRestartTest, RetryTimerSurvivesARestart) {
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int) {
              return cmd.command_type == "ReserveStock" && cmd.attempt == 1 ? Act::kTransient : Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  ASSERT_TRUE(c.engine().WaitIdle(10'000));
  std::optional<std::int64_t> due = c.engine().TimerOf({saga::kAggregateType, s.id});
  ASSERT_TRUE(due.has_value()) << "a retry is scheduled";

  c.Restart();
  ASSERT_TRUE(c.engine().WaitIdle(10'000));
  EXPECT_EQ(c.engine().TimerOf({saga::kAggregateType, s.id}), due) << "re-armed from the saga's state";
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kCompleted);
}

TEST(EngineRestartTest, StuckSagaStaysStuckAcrossARestartAndOperatorCanStillRetry) {
  Cluster c(TestCatalog(), Participant([](const OutgoingCommand& cmd, int) {
              if (cmd.command_type == "Charge") return Act::kFail;
              return cmd.command_type == "ReleaseStock" ? Act::kTransient : Act::kSucceed;
            }));
  Started s = c.Start("PlaceOrder", Order("o-1"));
  c.Settle();
  ASSERT_EQ(c.SagaStatusOf(s.id), SagaStatus::kStuck);
  std::size_t attempts = Count(c.participant().sent(), "ReleaseStock");
  c.Restart();
  c.Settle();
  EXPECT_EQ(c.SagaStatusOf(s.id), SagaStatus::kStuck);
  EXPECT_EQ(Count(c.participant().sent(), "ReleaseStock"), attempts) << "nothing is resent for a stuck step";
}

// ---- definitions ----

constexpr char kPlaceOrderV2[] = R"(
saga PlaceOrder {
  version 2
  key $.order_id
  step reserve_stock {
    send inventory.ReserveStock to $.sku { order_id: $.order_id, qty: $.qty }
    success inventory.StockReserved
    compensate inventory.ReleaseStock to $.sku { order_id: $.order_id, qty: $.qty }
  }
  step charge_payment {
    send payment.Charge to $.customer_id { order_id: $.order_id, amount: $.total }
    success payment.PaymentCharged
  }
}
)";

TEST(EngineTest, RunningInstancesKeepTheirVersionAcrossAHotReload) {
  auto catalog = TestCatalog();
  Cluster c(catalog, Participant(On("ReserveStock", Act::kHold)));
  Started old_one = c.Start("PlaceOrder", Order("o-1"));
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.participant().held() == 1; }));

  ASSERT_TRUE(catalog->AddSource(kPlaceOrderV2, "place_order.saga").ok());  // the file changed
  Started new_one = c.Start("PlaceOrder", Order("o-2"));
  c.participant().ReleaseHeld();
  c.Settle();

  EXPECT_EQ(c.Read<SagaState>({saga::kAggregateType, old_one.id}).definition_version, 1);
  EXPECT_EQ(c.Read<SagaState>({saga::kAggregateType, new_one.id}).definition_version, 2);
  EXPECT_EQ(c.SagaStatusOf(old_one.id), SagaStatus::kCompleted);
  EXPECT_EQ(c.SagaStatusOf(new_one.id), SagaStatus::kCompleted);
  EXPECT_EQ(Count(c.participant().sent(), "ApproveOrder"), 1u) << "only version 1 has the approve step";
}

}  // namespace
}  // namespace sagad::coordinator::testing
