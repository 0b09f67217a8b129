#include "core/runtime/stream_sequencer.h"

#include <gtest/gtest.h>

namespace sagad {
namespace {

Event At(const std::string& id, std::int64_t version) {
  Event e;
  e.stream = {"T", id};
  e.version = version;
  return e;
}

TEST(StreamSequencer, AppliesInVersionOrderOncePerVersion) {
  StreamSequencer seq;
  std::vector<std::int64_t> applied;
  auto apply = [&](const Event& e) { applied.push_back(e.version); };
  seq.Offer(At("a", 1), apply);
  seq.Offer(At("a", 3), apply);  // early: held
  EXPECT_EQ(seq.held(), 1u);
  EXPECT_EQ(seq.Gaps().size(), 1u);
  seq.Offer(At("a", 1), apply);  // repeat: dropped
  seq.Offer(At("a", 2), apply);  // fills the gap, releases 3
  EXPECT_EQ(applied, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(seq.held(), 0u);
  EXPECT_EQ(seq.dropped(), 1u);
  EXPECT_TRUE(seq.Gaps().empty());
}

TEST(StreamSequencer, StreamsAreIndependentAndResumeFromApplied) {
  StreamSequencer seq;
  seq.SetApplied({"T", "b"}, 4);
  std::vector<std::string> applied;
  auto apply = [&](const Event& e) { applied.push_back(e.stream.id + std::to_string(e.version)); };
  seq.Offer(At("b", 4), apply);
  seq.Offer(At("b", 5), apply);
  seq.Offer(At("a", 1), apply);
  EXPECT_EQ(applied, (std::vector<std::string>{"b5", "a1"}));
  EXPECT_EQ(seq.Applied({"T", "b"}), 5);
}

}  // namespace
}  // namespace sagad
