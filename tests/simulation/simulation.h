// One simulated run of the coordinator, from a seed: the real saga and TCC
// process managers, the engine's dispatch, retries and timers, the core
// runtime and the in-memory store, all on one thread with a simulated clock
// (core/testing/simulated_executor.h), against simulated participants
// (sim_participants.h) reached through a faulty network (sim_network.h).
//
// A run: definitions are generated; instances are started at random times;
// for `chaos_ms` of simulated time every delivery may fail, be lost, be
// duplicated or be late, store appends may fail, the coordinator is crashed
// (engine and runtime dropped, store kept) and recovered, and an operator
// retries or skips what is STUCK. Then faults stop and the run continues
// until every instance has ended (or `calm_limit_ms` passed); then the
// invariants (checker.h) are checked. The same seed is the same run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/simulation/checker.h"

namespace sagad::simulation {

struct SimulationOptions {
  std::int64_t chaos_ms = 20'000;
  std::int64_t calm_limit_ms = 900'000;
  int max_instances = 6;
  int max_crashes = 3;
  std::uint64_t max_turns = 3'000'000;  // a run that does not settle is a failure, not a hang
};

struct SimulationReport {
  std::uint64_t seed = 0;
  std::vector<Violation> violations;
  std::string details;  // the definitions and the failing instances' histories, when there are violations
  int instances = 0;
  int crashes = 0;
  int operator_actions = 0;
  std::uint64_t faults = 0;
  std::uint64_t turns = 0;
  std::int64_t simulated_ms = 0;
  std::map<std::string, int> outcomes;
};

SimulationReport RunSimulation(std::uint64_t seed, const SimulationOptions& options = {});

}  // namespace sagad::simulation
