#include "core/aggregate.h"

namespace sagad {

Status AggregateRegistry::Register(std::shared_ptr<const AggregateBehavior> behavior) {
  if (!behavior) return Status::InvalidArgument("null aggregate behavior");
  const std::string& type = behavior->type();
  if (type.empty()) return Status::InvalidArgument("aggregate type name is empty");
  if (!types_.emplace(type, std::move(behavior)).second) {
    return Status::InvalidArgument("aggregate type " + type + " is registered twice");
  }
  return Status::Ok();
}

const AggregateBehavior* AggregateRegistry::Find(const std::string& type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> AggregateRegistry::Types() const {
  std::vector<std::string> out;
  out.reserve(types_.size());
  for (const auto& [name, _] : types_) out.push_back(name);
  return out;
}

}  // namespace sagad
