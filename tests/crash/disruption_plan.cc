#include "tests/crash/disruption_plan.h"

#include <algorithm>
#include <random>

namespace sagad::crash {

std::vector<Disruption> MakePlan(std::uint64_t seed, const PlanOptions& o) {
  std::mt19937_64 rng(seed);
  auto between = [&](MillisecondRange r) {
    return std::chrono::milliseconds(std::uniform_int_distribution<int>(r.min, std::max(r.min, r.max))(rng));
  };
  std::vector<DisruptionKind> kinds(static_cast<std::size_t>(std::max(o.kills, 0)), DisruptionKind::kKill);
  kinds.insert(kinds.end(), static_cast<std::size_t>(std::max(o.pauses, 0)), DisruptionKind::kPause);
  std::shuffle(kinds.begin(), kinds.end(), rng);

  // A count of 0 would disrupt before any load; `starts` itself after it.
  std::uniform_int_distribution<std::size_t> count(1, std::max<std::size_t>(o.starts, 2) - 1);
  std::vector<std::size_t> counts;
  for (std::size_t i = 0; i < kinds.size(); ++i) counts.push_back(count(rng));
  std::sort(counts.begin(), counts.end());

  std::vector<Disruption> plan;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    bool kill = kinds[i] == DisruptionKind::kKill;
    bool after_kill = i > 0 && plan.back().kind != DisruptionKind::kPause;
    if (kill && after_kill && std::uniform_int_distribution<int>(1, std::max(o.while_starting_one_in, 1))(rng) == 1) {
      plan.push_back({DisruptionKind::kKillWhileStarting, plan.back().after_starts, between(o.starting),
                      between(o.down)});
      continue;
    }
    plan.push_back({kinds[i], counts[i], between(o.delay), between(kill ? o.down : o.pause)});
  }
  return plan;
}

}  // namespace sagad::crash
