// The participant's rules (guarded_type.h), specified on a small aggregate
// wrapped as Participant::Add wraps every type: seats booked per show
// ("Book {qty}", compensated by "Unbook").
#include "participants/sdk/step_barrier.h"

#include "core/testing/given_when_then.h"
#include "participants/sdk/guarded_type.h"
#include "participants/sdk/payload.h"

namespace sagad::participants {
namespace {

using sagad::testing::Spec;

struct Seats {
  std::int64_t free = 5;
};

std::shared_ptr<const AggregateBehavior> GuardedSeats() {
  auto type = std::make_shared<AggregateDefinition<Seats>>("Show");
  type->Handle("Book",
               [](const Seats& s, const Command& c) -> Decision {
                 Result<std::int64_t> qty = PositiveInt(c, "qty");
                 if (!qty.ok()) return qty.status();
                 if (*qty > s.free) return Status::Rejected("sold out");
                 return Events{{"Booked", {{"qty", *qty}}}};
               })
      .Handle("Unbook", [](const Seats&, const Command& c) -> Decision {
        return Events{{"Unbooked", {{"qty", c.payload.value("qty", 0)}}}};
      })
      .Apply("Booked", [](Seats& s, const Event& e) { s.free -= EventInt(e.payload, "qty"); })
      .Apply("Unbooked", [](Seats& s, const Event& e) { s.free += EventInt(e.payload, "qty"); })
      .Snapshots([](const Seats& s) { return Json{{"free", s.free}}; },
                 [](const Json& j) -> Result<Seats> { return Seats{j.value("free", 0)}; });
  return GuardParticipantType(type, {"Book", "Unbook"});
}

const char kForwardId[] = "saga-1/book/do";
const Json kForwardMarks = {{"attempt", 1}, {"compensable", true}};
const Json kUndoMarks = {{"attempt", 1},
                         {"compensates", {{"command_id", kForwardId}, {"command_type", "Book"}, {"target", "show-1"}}}};

Command Book(std::int64_t qty, std::string id = kForwardId) {
  Command c;
  c.command_id = std::move(id);
  c.type = "Book";
  c.payload = {{"qty", qty}};
  c.metadata = kForwardMarks;
  return c;
}
Command Unbook(std::string id = "saga-1/book/compensate", Json marks = kUndoMarks) {
  Command c;
  c.command_id = std::move(id);
  c.type = "Unbook";
  c.payload = {{"qty", 2}};
  c.metadata = std::move(marks);
  return c;
}
Event Stored(std::string type, Json payload, std::string command_id, Json metadata) {
  Event e;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.command_id = std::move(command_id);
  e.metadata = std::move(metadata);
  return e;
}
const Event kBooked = Stored("Booked", {{"qty", 2}}, kForwardId, kForwardMarks);
const Event kUnbooked = Stored("Unbooked", {{"qty", 2}}, "saga-1/book/compensate", kUndoMarks);
const Event kRefused = Stored(kCommandRefused, {{"command_type", "Book"}, {"reason", "sold out"}}, kForwardId,
                              kForwardMarks);
const Event kTombstone = Stored(kCompensatedBeforeForward,
                                {{"forward_command_id", kForwardId}, {"forward_command_type", "Book"}},
                                "saga-1/book/compensate", kUndoMarks);

class StepBarrierSpec : public ::testing::Test {
 protected:
  std::shared_ptr<const AggregateBehavior> type_ = GuardedSeats();
  Spec Show() const { return Spec(*type_, "show-1"); }
  std::int64_t FreeSeats(const Spec& spec) const {
    return AggregateDefinition<Seats>::Unbox(InnerState(spec.state())).free;
  }
};

TEST_F(StepBarrierSpec, AForwardCommandRunsTheAggregatesOwnHandler) {
  Show().When(Book(2)).Then({{"Booked", {{"qty", 2}}}});
}

TEST_F(StepBarrierSpec, ARefusalIsRecordedSoThatARepeatGetsTheSameAnswer) {
  Show().When(Book(9)).Then({{kCommandRefused, {{"command_type", "Book"}, {"reason", "sold out"}}}});
}

TEST_F(StepBarrierSpec, BadInputIsRefusedWithoutRecordingAnything) {
  Show().When(Book(-1)).ThenFails(StatusCode::kInvalidArgument, "qty");
}

TEST_F(StepBarrierSpec, ACompensationOfACommandThatNeverRanIsANullCompensationThatLeavesATombstone) {
  Spec spec = Show();
  spec.When(Unbook()).Then({{kCompensatedBeforeForward,
                             {{"forward_command_id", kForwardId}, {"forward_command_type", "Book"}}}});
  EXPECT_EQ(FreeSeats(spec), 5) << "nothing was given back that had not been taken";
}

TEST_F(StepBarrierSpec, TheForwardCommandArrivingAfterItsCompensationIsRefused) {
  Spec spec = Show();
  spec.GivenHistory({kTombstone}).When(Book(2)).Then(
      {{kCommandRefused, {{"command_type", "Book"}, {"reason", "Book refused: the saga compensated it before it arrived"}}}});
  EXPECT_EQ(FreeSeats(spec), 5);
}

TEST_F(StepBarrierSpec, ACompensationOfACommandThatRanRunsTheHandler) {
  Spec spec = Show();
  spec.GivenHistory({kBooked}).When(Unbook()).Then({{"Unbooked", {{"qty", 2}}}});
  EXPECT_EQ(FreeSeats(spec), 3);
}

TEST_F(StepBarrierSpec, ACompensationOfARefusedCommandHasNothingToUndo) {
  Show().GivenHistory({kRefused}).When(Unbook()).ThenNothing();
}

TEST_F(StepBarrierSpec, ASecondCompensationCommandForAnUndoneStepIsANoOp) {
  // An operator's new compensation command (another id) after the first
  // one did its work: the seats are not given back twice.
  Show().GivenHistory({kBooked, kUnbooked}).When(Unbook("saga-1/book/compensate/rev2")).ThenNothing();
}

TEST_F(StepBarrierSpec, ACompensationAfterTheTombstoneIsANoOp) {
  Show().GivenHistory({kTombstone}).When(Unbook("saga-1/book/compensate/rev2")).ThenNothing();
}

TEST_F(StepBarrierSpec, ACompensationOfAnotherAggregatesCommandRunsAsAnOrdinaryCommand) {
  Json elsewhere = {{"compensates", {{"command_id", kForwardId}, {"command_type", "Book"}, {"target", "show-2"}}}};
  Show().When(Unbook("saga-1/book/compensate", elsewhere)).Then({{"Unbooked", {{"qty", 2}}}});
}

TEST_F(StepBarrierSpec, CommandsWithoutMarksAreTheAggregatesBusinessOnly) {
  Command plain = Book(2, "api-1");
  plain.metadata = nullptr;
  Show().When(plain).Then({{"Booked", {{"qty", 2}}}});
}

TEST_F(StepBarrierSpec, TheSnapshotKeepsTheBarrierBesideTheTypesOwnState) {
  Spec spec = Show();
  Json other = {{"compensates", {{"command_id", "saga-2/book/do"}, {"command_type", "Book"}, {"target", "show-1"}}}};
  spec.GivenHistory({kBooked, Stored(kCompensatedBeforeForward, Json::object(), "saga-2/book/compensate", other)});
  Json snapshot = type_->Snapshot(spec.state());
  EXPECT_EQ(snapshot["state"], (Json{{"free", 3}}));
  Result<std::unique_ptr<StateBox>> restored = type_->Restore(snapshot);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(type_->Snapshot(**restored), snapshot);
  Command late = Book(1, "saga-2/book/do");
  late.target = {"Show", "show-1"};
  Decision d = type_->Decide(**restored, late);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].type, kCommandRefused) << "the tombstone survived the snapshot";
}

TEST_F(StepBarrierSpec, ASnapshotFromBeforeTheBarrierIsTheTypesOwn) {
  Result<std::unique_ptr<StateBox>> restored = type_->Restore(Json{{"free", 4}});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(AggregateDefinition<Seats>::Unbox(InnerState(**restored)).free, 4);
  EXPECT_EQ(type_->Restore(Json{{"state", {{"free", 1}}}, {"step_barrier", {{"x", 99}}}}).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace sagad::participants
