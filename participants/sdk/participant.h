// A participant: the aggregate types one service owns, under the name the
// .saga files use for it (`inventory` in `send inventory.ReserveStock`),
// with the route from each command type it accepts to the aggregate type
// that handles it.
//
//   Participant inventory("inventory");
//   SAGAD_RETURN_IF_ERROR(inventory.Add(MakeStockItemType(), {"AddStock", "ReserveStock", "ReleaseStock"}));
//   SAGAD_RETURN_IF_ERROR(inventory.RegisterInto(registry));   // before AggregateRuntime::Start
//
// Routes are declared with the type because AggregateDefinition does not
// list its handlers. A route to a command the type has no handler for is
// answered InvalidArgument by the type itself, which a transport reports as
// a failure naming the command.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "core/status.h"

namespace sagad::participants {

class Participant {
 public:
  explicit Participant(std::string name) : name_(std::move(name)) {}

  // Adds an aggregate type and routes `commands` to it, with the
  // participant's rules in front (guarded_type.h: refusals recorded, the saga
  // step barrier). InvalidArgument (and no change) for a null or already
  // added type, an empty command name, or a command already routed.
  Status Add(std::shared_ptr<const AggregateBehavior> type, const std::vector<std::string>& commands);

  // Registers every aggregate type into `registry` (the runtime's).
  // InvalidArgument, registering none, if one of them is already there.
  Status RegisterInto(AggregateRegistry& registry) const;

  const std::string& name() const { return name_; }
  // The aggregate type that handles `command_type`; nullptr if none does.
  const std::string* RouteOf(const std::string& command_type) const;
  // Every command type accepted, sorted.
  std::vector<std::string> Commands() const;

 private:
  std::string name_;
  std::vector<std::shared_ptr<const AggregateBehavior>> types_;
  std::map<std::string, std::string> routes_;  // command type -> aggregate type
};

}  // namespace sagad::participants
