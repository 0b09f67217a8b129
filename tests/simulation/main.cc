// coordinator_simulation: deterministic simulation of the coordinator under
// faults (simulation.h). Runs seeds, checks every run's invariants, and for a
// failing seed prints the one command that replays it, with the failing
// instances' histories.
//
//   coordinator_simulation --seeds 2000            the suite's bounded run
//   coordinator_simulation --seeds 1000000 --first 7000000   a long run
//   coordinator_simulation --seed 1234 --verbose    replay one seed
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "tests/simulation/simulation.h"

int main(int argc, char** argv) {
  CLI::App app{"Deterministic simulation of the sagad coordinator under faults: runs seeds, checks invariants."};
  std::uint64_t seeds = 200;
  std::uint64_t first = 1;
  std::optional<std::uint64_t> one;
  bool verbose = false;
  bool keep_going = false;
  sagad::simulation::SimulationOptions options;
  app.add_option("--seeds", seeds, "how many seeds to run (default 200)");
  app.add_option("--first", first, "the first seed (default 1)");
  app.add_option("--seed", one, "run this one seed and print what it did");
  app.add_option("--chaos-ms", options.chaos_ms, "simulated time with faults on (default 20000)");
  app.add_option("--max-instances", options.max_instances, "instances per run, at most (default 6)");
  app.add_flag("--verbose", verbose, "a line per seed");
  app.add_flag("--keep-going", keep_going, "run every seed even after a failure");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::off);  // the engine's warnings are part of the simulated faults
  if (one) {
    first = *one;
    seeds = 1;
    verbose = true;
  }

  auto started = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, ran = 0, crashes = 0, faults = 0, instances = 0;
  std::map<std::string, int> outcomes;
  for (std::uint64_t seed = first; seed < first + seeds; ++seed) {
    sagad::simulation::SimulationReport r = sagad::simulation::RunSimulation(seed, options);
    ran++;
    crashes += static_cast<std::uint64_t>(r.crashes);
    faults += r.faults;
    instances += static_cast<std::uint64_t>(r.instances);
    for (const auto& [outcome, n] : r.outcomes) outcomes[outcome] += n;
    if (verbose) {
      std::printf("seed %llu: %d instances, %d crashes, %llu faults, %d operator actions, %llu turns, %lld ms simulated,",
                  static_cast<unsigned long long>(seed), r.instances, r.crashes, static_cast<unsigned long long>(r.faults),
                  r.operator_actions, static_cast<unsigned long long>(r.turns), static_cast<long long>(r.simulated_ms));
      for (const auto& [outcome, n] : r.outcomes) std::printf(" %s=%d", outcome.c_str(), n);
      std::printf("\n");
    }
    if (r.violations.empty()) continue;
    failed++;
    std::printf("FAILED seed %llu: %zu violations; replay: %s --seed %llu\n", static_cast<unsigned long long>(seed),
                r.violations.size(), argv[0], static_cast<unsigned long long>(seed));
    for (const auto& v : r.violations) std::printf("  %s: %s\n", v.instance.c_str(), v.what.c_str());
    std::printf("%s", r.details.c_str());
    if (!keep_going) break;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("simulation: seeds=%llu failed=%llu instances=%llu crashes=%llu faults=%llu in %.1f s (%.0f seeds/s)\n",
              static_cast<unsigned long long>(ran), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(instances), static_cast<unsigned long long>(crashes),
              static_cast<unsigned long long>(faults), seconds, seconds > 0 ? ran / seconds : 0.0);
  std::printf("outcomes:");
  for (const auto& [outcome, n] : outcomes) std::printf(" %s=%d", outcome.c_str(), n);
  std::printf("\n");
  return failed ? 1 : 0;
}
