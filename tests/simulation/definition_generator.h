// Random saga and TCC definitions for the simulation, as .saga text (they
// go through the real parser and checker) plus what the workload and the
// checker need to know of them. Sagas: 1 to 6 steps, sequential and
// parallel (`after`), captures used by later steps and by compensations,
// steps without compensation, final commands, timeouts and retry budgets.
// TCC: 1 to 4 branches with a timeout.
//
// Every command goes to a simulated participant (sim_participants.h):
//   step:  send P.Do to $.t_<step> { instance, step, refuse, ref_in? }, success P.Done capture ref,
//          compensate P.Undo to $.t_<step> { instance, step, ref: $.<step>.ref }
//   branch: P.TryHold / ConfirmHold / CancelHold to $.t_<branch> { tx: $.tx_<branch>, ... }
//   finals: P.Notify to $.t_final { instance, kind }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/simulation/random.h"

namespace sagad::simulation {

inline const std::vector<std::string> kParticipants = {"alpha", "beta"};
inline const std::vector<std::string> kTargets = {"t1", "t2", "t3"};

struct GeneratedStep {
  std::string name;
  std::string participant;
  bool compensable = false;
  std::vector<std::string> after;  // explicit dependencies (empty: a root)
  std::optional<std::string> ref_from;  // a predecessor whose captured ref this step's command carries
};

struct GeneratedDefinition {
  bool tcc = false;
  std::string name;
  std::string text;  // the .saga source
  std::vector<GeneratedStep> steps;  // sagas
  std::vector<std::string> branches;  // tcc
  std::vector<std::string> branch_participants;
  bool finals = false;  // has on completed / on compensated commands
};

GeneratedDefinition GenerateSaga(Random& random, const std::string& name);
GeneratedDefinition GenerateTcc(Random& random, const std::string& name);

}  // namespace sagad::simulation
