#include "core/testing/numbered.h"
#include "core/store/stream_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/store/testing/event_store_conformance.h"  // PrintTo for AppendOutcome, StatusCode

namespace sagad {
namespace {

using sagad::testing::Numbered;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const StreamId kOrder1{"Order", "o-1"};
const StreamId kOrder2{"Order", "o-2"};

AppendRequest Request(const StreamId& stream, std::int64_t expected_version, const std::string& command_id,
                      int events = 1) {
  AppendRequest r;
  r.stream = stream;
  r.expected_version = expected_version;
  r.command_id = command_id;
  for (int k = 0; k < events; ++k) r.events.push_back({"E", Json{{"k", k}}});
  return r;
}

AppendRequest Probe(const StreamId& stream, const std::string& command_id) {
  AppendRequest r;
  r.stream = stream;
  r.command_id = command_id;
  r.duplicate_probe = true;
  return r;
}

// A log the tests control: what command each position holds, as the store's
// CommandAt would report it.
struct FakeLog {
  std::map<std::int64_t, std::pair<StreamId, std::string>> at;

  CommandAt Reader() const {
    return [this](std::int64_t position, const StreamId& stream) -> Result<std::string> {
      auto it = at.find(position);
      if (it == at.end()) return Status::Corruption(Numbered("no event at ", position));
      return it->second.first == stream ? it->second.second : std::string();
    };
  }
};

// Plans a batch against the directory, applies it and records it in the log,
// as a store would after committing.
std::vector<PlannedRequest> CommitTo(StreamDirectory& directory, FakeLog& log, std::int64_t& last_position,
                                   const std::vector<AppendRequest>& batch) {
  Result<std::vector<PlannedRequest>> plan = PlanAppend(directory, batch, last_position, log.Reader());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return {};
  Status applied = ApplyPlan(directory, batch, *plan);
  EXPECT_TRUE(applied.ok()) << applied.ToString();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = (*plan)[i];
    if (p.outcome != AppendOutcome::kAppended) continue;
    for (std::size_t k = 0; k < batch[i].events.size(); ++k) {
      auto position = p.first_position + static_cast<std::int64_t>(k);
      log.at[position] = {batch[i].stream, batch[i].command_id};
      last_position = position;
    }
  }
  return std::move(plan).value();
}

class StreamDirectoryTest : public ::testing::Test {
 protected:
  std::vector<PlannedRequest> Commit(const std::vector<AppendRequest>& batch) {
    return CommitTo(directory_, log_, last_position_, batch);
  }
  Result<std::vector<PlannedRequest>> Plan(const std::vector<AppendRequest>& batch) {
    return PlanAppend(directory_, batch, last_position_, log_.Reader());
  }

  StreamDirectory directory_;
  FakeLog log_;
  std::int64_t last_position_ = 0;
};

// --- PlanAppend ------------------------------------------------------------

TEST_F(StreamDirectoryTest, NewStreamStartsAtVersionOneAfterTheLastPosition) {
  last_position_ = 41;
  Result<std::vector<PlannedRequest>> plan = Plan({Request(kOrder1, 0, "c1", 3)});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].outcome, AppendOutcome::kAppended);
  EXPECT_EQ((*plan)[0].first_version, 1);
  EXPECT_EQ((*plan)[0].first_position, 42);
}

TEST_F(StreamDirectoryTest, PlanningChangesNothingUntilApplied) {
  ASSERT_TRUE(Plan({Request(kOrder1, 0, "c1", 3)}).ok());
  EXPECT_EQ(directory_.VersionOf(kOrder1), 0);
  EXPECT_EQ(directory_.Find(kOrder1), nullptr);
  EXPECT_FALSE(directory_.CommandCandidate(kOrder1, "c1").has_value());
}

TEST_F(StreamDirectoryTest, RequestsOfOneBatchChainVersionsAndPositions) {
  std::vector<PlannedRequest> plan =
      Commit({Request(kOrder1, 0, "c1", 2), Request(kOrder2, 0, "c2", 1), Request(kOrder1, 2, "c3", 3)});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].first_position, 1);
  EXPECT_EQ(plan[1].first_position, 3);
  EXPECT_EQ(plan[2].first_position, 4);
  EXPECT_EQ(plan[2].first_version, 3);
  EXPECT_EQ(directory_.VersionOf(kOrder1), 5);
  EXPECT_EQ(directory_.VersionOf(kOrder2), 1);
  EXPECT_THAT(directory_.PositionsFrom(kOrder1, 1), ElementsAre(1, 2, 4, 5, 6));
}

TEST_F(StreamDirectoryTest, StaleExpectedVersionIsConflictAndTakesNoPosition) {
  Commit({Request(kOrder1, 0, "c1", 2)});
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 1, "stale"), Request(kOrder2, 0, "c2")});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(plan[0].current_version, 2);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kAppended);
  EXPECT_EQ(plan[1].first_position, 3);
  EXPECT_EQ(directory_.VersionOf(kOrder1), 2);
  EXPECT_FALSE(directory_.CommandCandidate(kOrder1, "stale").has_value());
}

TEST_F(StreamDirectoryTest, ConflictReportsTheVersionAfterEarlierRequestsOfTheBatch) {
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 0, "c1", 3), Request(kOrder1, 0, "c2")});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(plan[1].current_version, 3);
}

TEST_F(StreamDirectoryTest, StoredCommandIsDuplicateOfItsFirstPosition) {
  Commit({Request(kOrder2, 0, "x"), Request(kOrder1, 0, "c1", 2)});
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 2, "c1"), Request(kOrder2, 1, "c2")});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(plan[0].duplicate_of_position, 2);
  EXPECT_EQ(plan[0].duplicate_of_request, -1);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kAppended);
  EXPECT_EQ(plan[1].first_position, 4) << "a duplicate takes no position";
}

TEST_F(StreamDirectoryTest, RequestsAfterANonAppendedOneOfTheSameStreamAreConflicts) {
  Commit({Request(kOrder1, 0, "c1", 2)});
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 0, "c1"),      // duplicate
                                             Request(kOrder1, 2, "c2"),      // on top of it
                                             Request(kOrder2, 0, "d1"),      // another stream
                                             Request(kOrder2, 5, "d2"),      // conflict
                                             Request(kOrder2, 1, "d3")});    // on top of it
  ASSERT_EQ(plan.size(), 5u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(plan[1].current_version, 2);
  EXPECT_EQ(plan[2].outcome, AppendOutcome::kAppended);
  EXPECT_EQ(plan[3].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(plan[4].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(plan[4].current_version, 1);
  EXPECT_EQ(directory_.VersionOf(kOrder1), 2);
  EXPECT_EQ(directory_.VersionOf(kOrder2), 1);
}

TEST_F(StreamDirectoryTest, DuplicateOfAnEarlierRequestInTheBatchPointsAtIt) {
  std::vector<PlannedRequest> plan =
      Commit({Request(kOrder2, 0, "c0"), Request(kOrder1, 0, "c1", 2), Request(kOrder1, 2, "c1")});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[2].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(plan[2].duplicate_of_request, 1);
  EXPECT_EQ(directory_.VersionOf(kOrder1), 2);
}

TEST_F(StreamDirectoryTest, SameCommandIdOnAnotherStreamIsNotADuplicate) {
  Commit({Request(kOrder1, 0, "c1")});
  std::vector<PlannedRequest> plan = Commit({Request(kOrder2, 0, "c1")});
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kAppended);
}

TEST_F(StreamDirectoryTest, FingerprintHitForAnotherCommandIsAppendedAndIndexedExactly) {
  Commit({Request(kOrder1, 0, "c1")});
  // The candidate the fingerprint finds holds another command (a collision).
  log_.at[1].second = "someone-else";
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 1, "c1", 2)});
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kAppended);
  EXPECT_TRUE(plan[0].exact_command_key);
  EXPECT_EQ(plan[0].first_position, 2);
  // Indexed exactly: the command now resolves to its own first event.
  EXPECT_EQ(directory_.CommandCandidate(kOrder1, "c1"), std::optional<std::int64_t>(2));
  // And a resend of it is a duplicate of that position.
  std::vector<PlannedRequest> resend = Commit({Request(kOrder1, 0, "c1")});
  ASSERT_EQ(resend.size(), 1u);
  EXPECT_EQ(resend[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(resend[0].duplicate_of_position, 2);
}

TEST_F(StreamDirectoryTest, FingerprintHitOnAnotherStreamIsNotADuplicate) {
  Commit({Request(kOrder1, 0, "c1")});
  log_.at[1].first = kOrder2;  // CommandAt reports "" for kOrder1
  std::vector<PlannedRequest> plan = Commit({Request(kOrder1, 1, "c1")});
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kAppended);
  EXPECT_TRUE(plan[0].exact_command_key);
}

TEST_F(StreamDirectoryTest, CommandAtErrorFailsThePlan) {
  Commit({Request(kOrder1, 0, "c1")});
  log_.at.clear();
  Result<std::vector<PlannedRequest>> plan = Plan({Request(kOrder1, 1, "c1")});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kCorruption);
}

TEST_F(StreamDirectoryTest, DuplicateProbeNeverPlansAWrite) {
  Commit({Request(kOrder1, 0, "c1", 2)});
  std::vector<PlannedRequest> plan =
      Commit({Probe(kOrder1, "c1"), Probe(kOrder1, "c9"), Request(kOrder1, 2, "c2")});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(plan[0].duplicate_of_position, 1);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kNotApplied);
  EXPECT_EQ(plan[2].outcome, AppendOutcome::kAppended);
  EXPECT_EQ(plan[2].first_position, 3);
  EXPECT_FALSE(directory_.CommandCandidate(kOrder1, "c9").has_value());
}

TEST_F(StreamDirectoryTest, ProbeReservesNothingForALaterRequestOfTheBatch) {
  std::vector<PlannedRequest> plan = Commit({Probe(kOrder1, "c1"), Request(kOrder1, 0, "c1"), Probe(kOrder1, "c1")});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].outcome, AppendOutcome::kNotApplied);
  EXPECT_EQ(plan[1].outcome, AppendOutcome::kAppended);
  EXPECT_EQ(plan[2].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(plan[2].duplicate_of_request, 1);
}

TEST_F(StreamDirectoryTest, MalformedRequestFailsTheWholePlan) {
  struct Case {
    std::string what;
    AppendRequest bad;
    std::string mentions;
  };
  std::vector<Case> cases = {
      {"empty command id", Request(kOrder2, 0, ""), "command id"},
      {"no events", Request(kOrder2, 0, "c2", 0), "no events"},
      {"empty type", Request(StreamId{"", "x"}, 0, "c2"), "request 1"},
      {"empty id", Request(StreamId{"Order", ""}, 0, "c2"), "request 1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Result<std::vector<PlannedRequest>> plan = Plan({Request(kOrder1, 0, "c1"), c.bad});
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(plan.status().message(), HasSubstr(c.mentions));
  }
}

// --- ApplyPlan and the directory -------------------------------------------

TEST_F(StreamDirectoryTest, ApplyPlanIndexesVersionsPositionsAndCommands) {
  Commit({Request(kOrder1, 0, "c1", 2), Request(kOrder2, 0, "c2"), Request(kOrder1, 2, "c3")});
  const StreamDirectory::StreamInfo* info = directory_.Find(kOrder1);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->version, 3);
  EXPECT_EQ(info->snapshot_version, 0);
  EXPECT_THAT(info->positions, ElementsAre(1, 2, 4));
  EXPECT_EQ(info->last_command_id, "c3");
  EXPECT_EQ(directory_.CommandCandidate(kOrder1, "c1"), std::optional<std::int64_t>(1));
  EXPECT_EQ(directory_.CommandCandidate(kOrder1, "c3"), std::optional<std::int64_t>(4));
  EXPECT_EQ(directory_.CommandCandidate(kOrder2, "c2"), std::optional<std::int64_t>(3));
  EXPECT_EQ(directory_.stream_count(), 2u);
}

TEST_F(StreamDirectoryTest, ApplyPlanWithASnapshotForgetsPositionsItCovers) {
  AppendRequest with_snapshot = Request(kOrder1, 2, "c2", 2);
  with_snapshot.snapshot = Json{{"n", 4}};
  Commit({Request(kOrder1, 0, "c1", 2)});
  Commit({with_snapshot});
  Commit({Request(kOrder1, 4, "c3")});
  const StreamDirectory::StreamInfo* info = directory_.Find(kOrder1);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->snapshot_version, 4);
  EXPECT_THAT(info->positions, ElementsAre(5));
  EXPECT_THAT(directory_.PositionsFrom(kOrder1, 1), ElementsAre(5));
}

TEST_F(StreamDirectoryTest, EventsOfStampsEveryField) {
  AppendRequest r = Request(kOrder1, 4, "c1", 2);
  r.correlation_id = "saga-1";
  r.timestamp_ms = 123;
  r.metadata = Json{{"m", 1}};
  PlannedRequest p;
  p.first_version = 5;
  p.first_position = 70;
  std::vector<Event> events = EventsOf(r, p);
  ASSERT_EQ(events.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(events[k].stream, kOrder1);
    EXPECT_EQ(events[k].version, 5 + static_cast<std::int64_t>(k));
    EXPECT_EQ(events[k].global_position, 70 + static_cast<std::int64_t>(k));
    EXPECT_EQ(events[k].command_id, "c1");
    EXPECT_EQ(events[k].correlation_id, "saga-1");
    EXPECT_EQ(events[k].type, "E");
    EXPECT_EQ(events[k].payload, (Json{{"k", k}}));
    EXPECT_EQ(events[k].metadata, (Json{{"m", 1}}));
    EXPECT_EQ(events[k].timestamp_ms, 123);
  }
}

TEST(StreamDirectory, AddEventRefusesAVersionGapNamingTheStream) {
  StreamDirectory directory;
  ASSERT_TRUE(directory.AddEvent(kOrder1, 1, 1, "c1").ok());
  Status gap = directory.AddEvent(kOrder1, 3, 2, "c2");
  EXPECT_EQ(gap.code(), StatusCode::kCorruption);
  EXPECT_THAT(gap.message(), HasSubstr("Order/o-1"));
  Status repeat = directory.AddEvent(kOrder1, 1, 3, "c3");
  EXPECT_EQ(repeat.code(), StatusCode::kCorruption);
  EXPECT_EQ(directory.VersionOf(kOrder1), 1);
}

TEST(StreamDirectory, AddEventRefusesAStreamThatDoesNotStartAtVersionOne) {
  StreamDirectory directory;
  EXPECT_EQ(directory.AddEvent(kOrder1, 2, 1, "c1").code(), StatusCode::kCorruption);
  EXPECT_EQ(directory.VersionOf(kOrder1), 0);
}

TEST(StreamDirectory, SetSnapshotVersionTrimsPositionsAndIgnoresOlderVersions) {
  StreamDirectory directory;
  for (std::int64_t v = 1; v <= 6; ++v) ASSERT_TRUE(directory.AddEvent(kOrder1, v, v * 10, "c").ok());
  ASSERT_TRUE(directory.SetSnapshotVersion(kOrder1, 2).ok());
  EXPECT_THAT(directory.Find(kOrder1)->positions, ElementsAre(30, 40, 50, 60));
  ASSERT_TRUE(directory.SetSnapshotVersion(kOrder1, 4).ok());
  EXPECT_THAT(directory.Find(kOrder1)->positions, ElementsAre(50, 60));
  ASSERT_TRUE(directory.SetSnapshotVersion(kOrder1, 3).ok()) << "older: ignored";
  EXPECT_EQ(directory.Find(kOrder1)->snapshot_version, 4);
  EXPECT_THAT(directory.Find(kOrder1)->positions, ElementsAre(50, 60));
  ASSERT_TRUE(directory.SetSnapshotVersion(kOrder1, 6).ok());
  EXPECT_THAT(directory.Find(kOrder1)->positions, IsEmpty());
  EXPECT_EQ(directory.VersionOf(kOrder1), 6) << "a snapshot does not change the version";
}

TEST(StreamDirectory, SetSnapshotVersionRefusesVersionsAheadOfTheStream) {
  StreamDirectory directory;
  ASSERT_TRUE(directory.AddEvent(kOrder1, 1, 1, "c").ok());
  EXPECT_FALSE(directory.SetSnapshotVersion(kOrder1, 2).ok());
  EXPECT_FALSE(directory.SetSnapshotVersion(kOrder2, 1).ok());
  EXPECT_THAT(directory.Find(kOrder1)->positions, ElementsAre(1));
  EXPECT_EQ(directory.Find(kOrder2), nullptr);
}

TEST(StreamDirectory, PositionsFromClampsToWhatIsKept) {
  StreamDirectory directory;
  for (std::int64_t v = 1; v <= 5; ++v) ASSERT_TRUE(directory.AddEvent(kOrder1, v, 100 + v, "c").ok());
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 1), ElementsAre(101, 102, 103, 104, 105));
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 4), ElementsAre(104, 105));
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 0), ElementsAre(101, 102, 103, 104, 105));
  EXPECT_THAT(directory.PositionsFrom(kOrder1, -7), ElementsAre(101, 102, 103, 104, 105));
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 6), IsEmpty());
  EXPECT_THAT(directory.PositionsFrom(kOrder2, 1), IsEmpty());
  ASSERT_TRUE(directory.SetSnapshotVersion(kOrder1, 3).ok());
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 1), ElementsAre(104, 105));
  EXPECT_THAT(directory.PositionsFrom(kOrder1, 5), ElementsAre(105));
}

TEST(StreamDirectory, StreamsOfTypeListsIdsInFirstSeenOrder) {
  StreamDirectory directory;
  ASSERT_TRUE(directory.AddEvent({"Order", "b"}, 1, 1, "c").ok());
  ASSERT_TRUE(directory.AddEvent({"Stock", "s"}, 1, 2, "c").ok());
  ASSERT_TRUE(directory.AddEvent({"Order", "a"}, 1, 3, "c").ok());
  ASSERT_TRUE(directory.AddEvent({"Order", "b"}, 2, 4, "c").ok());
  EXPECT_THAT(directory.StreamsOfType("Order"), ElementsAre("b", "a"));
  EXPECT_THAT(directory.StreamsOfType("Stock"), ElementsAre("s"));
  EXPECT_THAT(directory.StreamsOfType("None"), IsEmpty());
}

TEST(StreamDirectory, AddCommandUnlessTakenReportsTheEarlierPosition) {
  StreamDirectory directory;
  EXPECT_FALSE(directory.AddCommandUnlessTaken(kOrder1, "c1", 5).has_value());
  EXPECT_EQ(directory.AddCommandUnlessTaken(kOrder1, "c1", 9), std::optional<std::int64_t>(5));
  EXPECT_EQ(directory.CommandCandidate(kOrder1, "c1"), std::optional<std::int64_t>(5)) << "not overwritten";
  EXPECT_FALSE(directory.AddCommandUnlessTaken(kOrder1, "c2", 10).has_value());
  EXPECT_EQ(directory.CommandCandidate(kOrder1, "c2"), std::optional<std::int64_t>(10));
}

TEST(StreamDirectory, ExactCommandKeyWinsOverTheFingerprint) {
  StreamDirectory directory;
  directory.AddCommand(kOrder1, "c1", 10, /*exact=*/false);
  directory.AddCommand(kOrder1, "c1", 20, /*exact=*/true);
  EXPECT_EQ(directory.CommandCandidate(kOrder1, "c1"), std::optional<std::int64_t>(20));
  EXPECT_FALSE(directory.CommandCandidate(kOrder2, "c1").has_value());
  EXPECT_FALSE(directory.CommandCandidate(kOrder1, "c2").has_value());
}

// Ids are client data and may contain any byte, including the unit separator
// PlanAppend uses to build its per-batch keys (see the store conformance
// tests ...WithinABatch for that bug); the directory itself must keep them apart.
TEST(StreamDirectory, StreamsWhoseIdsContainTheKeySeparatorStayDistinct) {
  StreamDirectory directory;
  const StreamId a{"Order\x1f" "x", "y"};
  const StreamId b{"Order", "x\x1f" "y"};
  ASSERT_TRUE(directory.AddEvent(a, 1, 1, "c1").ok());
  EXPECT_EQ(directory.VersionOf(b), 0);
  EXPECT_TRUE(directory.AddEvent(b, 1, 2, "c1").ok());
  EXPECT_THAT(directory.StreamsOfType("Order"), ElementsAre("x\x1f" "y"));
}

}  // namespace
}  // namespace sagad
