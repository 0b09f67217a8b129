// What saga and tcc snapshots must agree with before they are trusted: the
// definition they run. Both kinds keep a state per part (a saga's steps, a
// tcc's branches), made when the instance starts, and their deciders look
// parts up by the names the definition and the command refs give.
#pragma once

#include <string>
#include <string_view>

#include "coordinator/final_commands.h"
#include "core/status.h"

namespace sagad::coordinator {

// Corruption unless `states` (name -> state) has exactly one entry per part
// of `defined` (each with a .name), and every command in `commands` names
// one of them or none (a final command). `part` names the parts in the
// message ("step", "branch"). A snapshot that fails this was damaged or
// edited: refused, its events are replayed instead.
template <typename DefinedParts, typename PartStates>
Status CheckPartsAgainstDefinition(const DefinedParts& defined, const PartStates& states, const CommandRefs& commands,
                                   std::string_view part, const std::string& definition) {
  if (defined.size() != states.size()) {
    return Status::Corruption("snapshot has " + std::to_string(states.size()) + " " + std::string(part) +
                              " states for the " + std::to_string(defined.size()) + " of " + definition);
  }
  for (const auto& p : defined) {
    if (!states.count(p.name)) {
      return Status::Corruption("snapshot has no state for " + std::string(part) + " " + p.name + " of " + definition);
    }
  }
  for (const auto& [id, ref] : commands) {
    if (!ref.step.empty() && !states.count(ref.step)) {
      return Status::Corruption("snapshot: command " + id + " names unknown " + std::string(part) + " " + ref.step);
    }
  }
  return Status::Ok();
}

}  // namespace sagad::coordinator
