// The barrier's rules, specified on a small aggregate with one TCC resource:
// ticket holds for bookings ("TryHold {booking_id, qty}").
#include "participants/sdk/tcc_barrier.h"

#include "core/testing/given_when_then.h"
#include "participants/sdk/payload.h"
#include "participants/sdk/tcc_resource.h"

namespace sagad::participants {
namespace {

using sagad::testing::Spec;

struct Tickets {
  std::int64_t available = 10;
  std::int64_t held = 0;
  TccBarrier holds;
};

std::shared_ptr<AggregateDefinition<Tickets>> MakeTicketsType() {
  auto type = std::make_shared<AggregateDefinition<Tickets>>("Tickets");
  AddTccResource(*type, TccResource<Tickets>{
                            .names = {"Hold", "booking_id"},
                            .barrier = &Tickets::holds,
                            .try_work = [](const Tickets& t, const Command& c) -> Result<Json> {
                              Result<std::int64_t> qty = PositiveInt(c, "qty");
                              if (!qty.ok()) return qty.status();
                              if (*qty > t.available - t.held) return Status::Rejected("sold out");
                              return Json{{"qty", *qty}};
                            },
                            .on_tried = [](Tickets& t, const Json& tried) { t.held += EventInt(tried, "qty"); },
                            .on_confirmed =
                                [](Tickets& t, const Json& tried) {
                                  t.held -= EventInt(tried, "qty");
                                  t.available -= EventInt(tried, "qty");
                                },
                            .on_cancelled = [](Tickets& t, const Json& tried) { t.held -= EventInt(tried, "qty"); },
                        });
  return type;
}

const Json kTried = {{"booking_id", "b-1"}, {"qty", 3}};
const EventData kHoldTried{"HoldTried", kTried};
const EventData kHoldConfirmed{"HoldConfirmed", kTried};
const EventData kHoldCancelled{"HoldCancelled", kTried};
const EventData kTombstone{"HoldCancelledBeforeTry", {{"booking_id", "b-1"}}};
const Json kB1 = {{"booking_id", "b-1"}};

class TccBarrierSpec : public ::testing::Test {
 protected:
  const Tickets& StateOf(const Spec& spec) const { return AggregateDefinition<Tickets>::Unbox(spec.state()); }
  std::shared_ptr<AggregateDefinition<Tickets>> type_ = MakeTicketsType();
};

TEST_F(TccBarrierSpec, FirstTryRunsTheBusinessWorkAndRecordsTheTransaction) {
  Spec(*type_).When("TryHold", {{"booking_id", "b-1"}, {"qty", 3}}).Then({kHoldTried});
}

TEST_F(TccBarrierSpec, TryRefusedByTheBusinessIsRejected) {
  Spec(*type_).When("TryHold", {{"booking_id", "b-1"}, {"qty", 11}}).ThenRejected("sold out");
}

TEST_F(TccBarrierSpec, RepeatedTryIsANoOp) {
  Spec(*type_).Given({kHoldTried}).When("TryHold", {{"booking_id", "b-1"}, {"qty", 3}}).ThenNothing();
}

TEST_F(TccBarrierSpec, TryAfterItsTransactionSettledIsANoOp) {
  Spec(*type_).Given({kHoldTried, kHoldCancelled}).When("TryHold", {{"booking_id", "b-1"}, {"qty", 3}}).ThenNothing();
  Spec(*type_).Given({kHoldTried, kHoldConfirmed}).When("TryHold", {{"booking_id", "b-1"}, {"qty", 3}}).ThenNothing();
}

TEST_F(TccBarrierSpec, ConfirmAfterTrySettlesWhatWasTried) {
  Spec(*type_).Given({kHoldTried}).When("ConfirmHold", kB1).Then({kHoldConfirmed});
}

TEST_F(TccBarrierSpec, RepeatedConfirmIsANoOp) {
  Spec(*type_).Given({kHoldTried, kHoldConfirmed}).When("ConfirmHold", kB1).ThenNothing();
}

TEST_F(TccBarrierSpec, ConfirmWithoutTryIsRefused) {
  Spec(*type_).When("ConfirmHold", kB1).ThenRejected("never tried");
  Spec(*type_).Given({kTombstone}).When("ConfirmHold", kB1).ThenRejected("never tried");
}

TEST_F(TccBarrierSpec, ConfirmAfterCancelIsRefused) {
  Spec(*type_).Given({kHoldTried, kHoldCancelled}).When("ConfirmHold", kB1).ThenRejected("already cancelled");
}

TEST_F(TccBarrierSpec, CancelAfterTryReleasesWhatWasTried) {
  Spec(*type_).Given({kHoldTried}).When("CancelHold", kB1).Then({kHoldCancelled});
}

TEST_F(TccBarrierSpec, CancelWithoutTryRecordsATombstoneAndSucceeds) {
  Spec(*type_).When("CancelHold", kB1).Then({kTombstone});
}

TEST_F(TccBarrierSpec, TryAfterTheTombstoneIsRefused) {
  Spec(*type_).Given({kTombstone}).When("TryHold", {{"booking_id", "b-1"}, {"qty", 3}}).ThenRejected(
      "cancelled before this try arrived");
}

TEST_F(TccBarrierSpec, RepeatedCancelIsANoOp) {
  Spec(*type_).Given({kTombstone}).When("CancelHold", kB1).ThenNothing();
  Spec(*type_).Given({kHoldTried, kHoldCancelled}).When("CancelHold", kB1).ThenNothing();
}

TEST_F(TccBarrierSpec, CancelAfterConfirmIsRefused) {
  Spec(*type_).Given({kHoldTried, kHoldConfirmed}).When("CancelHold", kB1).ThenRejected("already confirmed");
}

TEST_F(TccBarrierSpec, TransactionsAreIndependent) {
  Spec(*type_).Given({kTombstone}).When("TryHold", {{"booking_id", "b-2"}, {"qty", 3}}).Then(
      {{"HoldTried", {{"booking_id", "b-2"}, {"qty", 3}}}});
}

TEST_F(TccBarrierSpec, MissingTransactionIdIsInvalidArgument) {
  for (const char* command : {"TryHold", "ConfirmHold", "CancelHold"}) {
    Spec(*type_).When(command, {{"qty", 3}}).ThenFails(StatusCode::kInvalidArgument, "'booking_id'");
    Spec(*type_).When(command, {{"booking_id", 7}}).ThenFails(StatusCode::kInvalidArgument, "'booking_id'");
  }
}

TEST_F(TccBarrierSpec, HooksSeeTheTriedPayloadAtEveryPhase) {
  Spec held(*type_);
  held.Given({kHoldTried});
  EXPECT_EQ(StateOf(held).held, 3);

  Spec confirmed(*type_);
  confirmed.Given({kHoldTried, kHoldConfirmed});
  EXPECT_EQ(StateOf(confirmed).held, 0);
  EXPECT_EQ(StateOf(confirmed).available, 7);

  Spec cancelled(*type_);
  cancelled.Given({kHoldTried, kHoldCancelled});
  EXPECT_EQ(StateOf(cancelled).held, 0);
  EXPECT_EQ(StateOf(cancelled).available, 10);
  // What a cancel releases can be tried again by another booking.
  cancelled.When("TryHold", {{"booking_id", "b-2"}, {"qty", 10}}).Then({{"HoldTried", {{"booking_id", "b-2"}, {"qty", 10}}}});
}

}  // namespace
}  // namespace sagad::participants
