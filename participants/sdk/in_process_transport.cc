#include "participants/sdk/in_process_transport.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "participants/sdk/command_reply.h"

namespace sagad::participants {

using coordinator::Reply;
using coordinator::ReplyCallback;

namespace {

Reply Answer(Reply::Outcome outcome, std::string reason) {
  Reply reply;
  reply.outcome = outcome;
  reply.reason = std::move(reason);
  return reply;
}

}  // namespace

// The callbacks not answered yet, so that Stop can answer them and the
// runtime's late answer then finds nothing to call: each callback runs once.
class InProcessTransport::Pending {
 public:
  // Takes `callback`, or leaves it to the caller (to answer kTransient) and
  // returns nullopt when stopped.
  std::optional<std::uint64_t> Add(ReplyCallback& callback) {
    std::lock_guard lock(mu_);
    if (stopped_) return std::nullopt;
    std::uint64_t key = next_++;
    callbacks_.emplace(key, std::move(callback));
    return key;
  }

  ReplyCallback Take(std::uint64_t key) {
    std::lock_guard lock(mu_);
    auto it = callbacks_.find(key);
    if (it == callbacks_.end()) return nullptr;
    ReplyCallback callback = std::move(it->second);
    callbacks_.erase(it);
    return callback;
  }

  std::vector<ReplyCallback> StopAndTakeAll() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    std::vector<ReplyCallback> out;
    out.reserve(callbacks_.size());
    for (auto& [_, callback] : callbacks_) out.push_back(std::move(callback));
    callbacks_.clear();
    return out;
  }

 private:
  std::mutex mu_;
  bool stopped_ = false;
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, ReplyCallback> callbacks_;
};

InProcessTransport::InProcessTransport(Participant participant, AggregateRuntime* runtime)
    : participant_(std::move(participant)), runtime_(runtime), pending_(std::make_shared<Pending>()) {}

InProcessTransport::~InProcessTransport() { Stop(); }

void InProcessTransport::Send(const coordinator::OutgoingCommand& command, ReplyCallback on_reply) {
  const std::string& name = participant_.name();
  if (command.participant != name) {
    on_reply(Answer(Reply::Outcome::kFailure, "command " + command.command_type + " is for participant " +
                                                  command.participant + ", not " + name));
    return;
  }
  const std::string* type = participant_.RouteOf(command.command_type);
  if (!type) {
    on_reply(Answer(Reply::Outcome::kFailure, "participant " + name + " has no command " + command.command_type));
    return;
  }
  std::optional<std::uint64_t> key = pending_->Add(on_reply);
  if (!key) {
    on_reply(Answer(Reply::Outcome::kTransient, "transport stopped"));
    return;
  }

  Command c;
  c.command_id = command.command_id;
  c.target = {*type, command.target};
  c.type = command.command_type;
  c.payload = command.payload;
  c.correlation_id = command.correlation_id;
  c.causation_id = command.command_id;
  c.metadata = coordinator::DeliveryMetadata(command);
  runtime_->Send(std::move(c), [pending = pending_, key = *key, name, type = command.command_type](CommandResult r) {
    if (ReplyCallback callback = pending->Take(key)) callback(ReplyFor(name, type, r));
  });
}

void InProcessTransport::Stop() {
  for (ReplyCallback& callback : pending_->StopAndTakeAll()) {
    callback(Answer(Reply::Outcome::kTransient, "transport stopped"));
  }
}

}  // namespace sagad::participants
