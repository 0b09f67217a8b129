// --kills K --pauses P gives K kills and P pauses, each while the load runs,
// pauses as long as asked; a seed is a plan.
#include "tests/crash/disruption_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sagad::crash {
namespace {

TEST(DisruptionPlanTest, EveryKillAndPauseFallsWhileTheLoadRuns) {
  PlanOptions o{.kills = 10, .pauses = 3, .starts = 300, .pause = {10500, 12000}};
  std::vector<Disruption> plan = MakePlan(42, o);
  ASSERT_EQ(plan.size(), 13u);
  EXPECT_EQ(std::count_if(plan.begin(), plan.end(), [](const Disruption& d) { return d.kind == DisruptionKind::kPause; }),
            3);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    EXPECT_GE(plan[i].after_starts, 1u);
    EXPECT_LT(plan[i].after_starts, 300u);
    if (i > 0) {
      EXPECT_GE(plan[i].after_starts, plan[i - 1].after_starts);
    }
    if (plan[i].kind == DisruptionKind::kPause) {
      EXPECT_GE(plan[i].length.count(), 10500);
      EXPECT_LE(plan[i].length.count(), 12000);
    }
  }
}

TEST(DisruptionPlanTest, AKillWhileStartingHitsTheRestartOfAKill) {
  int while_starting = 0;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<Disruption> plan = MakePlan(seed, {.kills = 10, .pauses = 2, .starts = 300});
    ASSERT_EQ(plan.size(), 12u);
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].kind != DisruptionKind::kKillWhileStarting) continue;
      ++while_starting;
      ASSERT_GT(i, 0u);
      EXPECT_NE(plan[i - 1].kind, DisruptionKind::kPause);
      EXPECT_EQ(plan[i].after_starts, plan[i - 1].after_starts);
      EXPECT_LE(plan[i].delay.count(), 40);
    }
  }
  EXPECT_GT(while_starting, 0);
}

TEST(DisruptionPlanTest, TheSameSeedGivesTheSamePlan) {
  PlanOptions o{.kills = 5, .pauses = 2, .starts = 50};
  auto key = [](const std::vector<Disruption>& plan) {
    std::vector<std::tuple<int, std::size_t, long, long>> k;
    for (const Disruption& d : plan) {
      k.emplace_back(static_cast<int>(d.kind), d.after_starts, d.delay.count(), d.length.count());
    }
    return k;
  };
  EXPECT_EQ(key(MakePlan(7, o)), key(MakePlan(7, o)));
  EXPECT_NE(key(MakePlan(7, o)), key(MakePlan(8, o)));
}

TEST(DisruptionPlanTest, ALoadTooSmallForDistinctMomentsStillGetsEveryKill) {
  std::vector<Disruption> plan = MakePlan(1, {.kills = 10, .starts = 3});
  ASSERT_EQ(plan.size(), 10u);
  for (const Disruption& d : plan) EXPECT_TRUE(d.after_starts == 1 || d.after_starts == 2);
}

}  // namespace
}  // namespace sagad::crash
