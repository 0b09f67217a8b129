// The invariants every simulated run must keep, checked once faults have
// stopped and the instances have run to their end:
//
//  * every instance whose start was acknowledged exists and ended (terminal,
//    or STUCK with a reason);
//  * COMPLETED: every step's effect is present exactly once (CONFIRMED:
//    every branch tried and confirmed once);
//  * COMPENSATED: no forward effect of a compensable step remains
//    (CANCELLED: no branch holds a try that was not cancelled), except
//    where an operator took the decision (a recorded Skip);
//  * no effect applied twice; compensations carry the data the forward
//    command's first answer captured; no compensation refused;
//  * final commands applied once, the right one;
//  * no forward command sent after its compensation;
//  * every command sent has its issuing event in the instance's history;
//  * the instance's state from its snapshot and from replaying every event
//    are the same.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "coordinator/definition_catalog.h"
#include "core/store/event_store.h"
#include "tests/simulation/definition_generator.h"
#include "tests/simulation/sim_network.h"

namespace sagad::simulation {

struct Violation {
  std::string instance;
  std::string what;
};

struct Instance {
  std::string id;
  std::string aggregate_type;  // "Saga" | "Tcc"
  const GeneratedDefinition* definition = nullptr;
};

struct CheckInput {
  EventStore* coordinator_store = nullptr;
  EventStore* participant_store = nullptr;
  const coordinator::DefinitionCatalog* catalog = nullptr;
  const std::vector<Sent>* sent = nullptr;
  std::vector<Instance> instances;  // every acknowledged start
};

struct CheckResult {
  std::vector<Violation> violations;
  std::map<std::string, int> outcomes;  // "Saga COMPENSATED" -> count
};

CheckResult CheckInvariants(const CheckInput& input);

// The instance's events, one line each: what a failing seed prints.
std::string History(EventStore& store, const std::string& aggregate_type, const std::string& id);

}  // namespace sagad::simulation
