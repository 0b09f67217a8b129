// When the crash suite kills or pauses sagad, drawn from one seed before the
// run. Moments are counted in acknowledged starts, not in seconds, so every
// disruption falls while the load is running however fast the machine is;
// a random delay after the count is reached puts it at a random point in
// the traffic (a commit in flight, a reply on its way, a timer due). Some
// kills hit the restart of the kill before them instead, while sagad
// recovers (replays its store, resends what was outstanding).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sagad::crash {

enum class DisruptionKind {
  kKill,
  kPause,
  // A kill `delay` into the restart after the disruption before it (a kill
  // of either kind), whether or not sagad listens yet.
  kKillWhileStarting,
};

struct Disruption {
  DisruptionKind kind = DisruptionKind::kKill;
  std::size_t after_starts = 0;        // once this many starts were acknowledged,
  std::chrono::milliseconds delay{};   // then this much later (kKillWhileStarting: into the restart),
  std::chrono::milliseconds length{};  // kill: how long sagad stays down; pause: how long it is stopped
};

struct MillisecondRange {
  int min = 0;
  int max = 0;
};

struct PlanOptions {
  int kills = 10;
  int pauses = 0;
  std::size_t starts = 0;  // starts the load will make
  MillisecondRange delay{0, 100};
  MillisecondRange down{0, 300};         // a client meets refused connections meanwhile
  MillisecondRange pause{10500, 12000};  // see tests/README.md: longer than the sample's timeouts
  MillisecondRange starting{0, 40};      // a restart on the suite's stores listens 10-50 ms after exec
  int while_starting_one_in = 4;         // of the kills that follow a kill
};

// `kills` kills and `pauses` pauses in a random order, at random counts in
// [1, starts), sorted by count; one kill in `while_starting_one_in` of those
// right after a kill hits that kill's restart. The same seed and options
// give the same plan.
std::vector<Disruption> MakePlan(std::uint64_t seed, const PlanOptions& options);

}  // namespace sagad::crash
