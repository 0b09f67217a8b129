#include "participants/sdk/participant.h"

#include <algorithm>
#include <set>

#include "participants/sdk/guarded_type.h"

namespace sagad::participants {

Status Participant::Add(std::shared_ptr<const AggregateBehavior> type, const std::vector<std::string>& commands) {
  std::string where = "participant " + name_;
  if (!type) return Status::InvalidArgument(where + ": null aggregate type");
  bool known = std::any_of(types_.begin(), types_.end(), [&](const auto& t) { return t->type() == type->type(); });
  if (known) return Status::InvalidArgument(where + ": aggregate type " + type->type() + " is added twice");
  // Check every name before changing anything, so a failed Add changes nothing.
  std::set<std::string> seen;
  for (const std::string& command : commands) {
    if (command.empty()) return Status::InvalidArgument(where + ": empty command name for " + type->type());
    const std::string* route = RouteOf(command);
    if (route || !seen.insert(command).second) {
      return Status::InvalidArgument(where + ": command " + command + " is routed to both " +
                                     (route ? *route : type->type()) + " and " + type->type());
    }
  }
  for (const std::string& command : commands) routes_[command] = type->type();
  types_.push_back(GuardParticipantType(std::move(type), commands));
  return Status::Ok();
}

Status Participant::RegisterInto(AggregateRegistry& registry) const {
  // All or nothing: a registry cannot forget a type once registered.
  for (const auto& type : types_) {
    if (registry.Find(type->type())) {
      return Status::InvalidArgument("participant " + name_ + ": aggregate type " + type->type() +
                                     " is already registered (by another participant?)");
    }
  }
  for (const auto& type : types_) {
    SAGAD_RETURN_IF_ERROR(registry.Register(type).WithContext("participant " + name_));
  }
  return Status::Ok();
}

const std::string* Participant::RouteOf(const std::string& command_type) const {
  auto it = routes_.find(command_type);
  return it == routes_.end() ? nullptr : &it->second;
}

std::vector<std::string> Participant::Commands() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& [command, _] : routes_) out.push_back(command);
  return out;
}

}  // namespace sagad::participants
