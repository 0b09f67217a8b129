#include "core/runtime/aggregate_runtime.h"

#include <atomic>
#include <functional>
#include <mutex>

#include "core/runtime/group_committer.h"
#include "core/runtime/shard.h"

namespace sagad {

class AggregateRuntime::Impl {
 public:
  Impl(EventStore* store, const AggregateRegistry* registry, RuntimeOptions options)
      : store_(store), options_(options) {
    committer_ = std::make_unique<GroupCommitter>(
        store, options_, static_cast<std::size_t>(options_.shards),
        [this](std::size_t shard, std::vector<CommitNotice>& notices) { PostNotices(shard, notices); },
        [this](std::vector<Event>& duplicates) { Publish(duplicates); });
    for (int i = 0; i < options_.shards; ++i) {
      shards_.push_back(std::make_unique<Shard>(static_cast<std::size_t>(i), store, registry, options_,
                                                committer_.get()));
    }
  }

  ~Impl() { Stop(); }

  void Send(Command command, CommandCallback done) {
    if (command.command_id.empty() || command.target.type.empty() || command.target.id.empty() ||
        command.type.empty()) {
      done(CommandResult{Status::InvalidArgument("a command needs command_id, target type and id, and type"), {}, false});
      return;
    }
    if (!command.payload.is_object()) {
      done(CommandResult{Status::InvalidArgument("command payload must be a JSON object"), {}, false});
      return;
    }
    if (!command.metadata.is_null() && !command.metadata.is_object()) {
      done(CommandResult{Status::InvalidArgument("command metadata must be a JSON object or absent"), {}, false});
      return;
    }
    if (stopping_.load(std::memory_order_relaxed)) {
      done(CommandResult{Status::Unavailable("runtime is stopping"), {}, false});
      return;
    }
    std::size_t shard = std::hash<std::string>{}(command.target.id) % shards_.size();
    PendingCommand p{std::move(command), std::move(done), 0, 0};
    ShardMessage message(std::move(p));
    if (!shards_[shard]->Post(std::move(message))) {
      // Lost a race with Stop: the message was left untouched.
      std::get<PendingCommand>(message).done(CommandResult{Status::Unavailable("runtime is stopping"), {}, false});
    }
  }

  Status Subscribe(const std::string& consumer, EventHandler handler, PublisherOptions options) {
    auto publisher = std::make_unique<EventPublisher>(store_, consumer, std::move(handler), options);
    SAGAD_RETURN_IF_ERROR(publisher->Start());
    std::lock_guard lock(publishers_mu_);
    publishers_.push_back(std::move(publisher));
    return Status::Ok();
  }

  void Stop() {
    std::lock_guard stop_lock(stop_mu_);
    if (stopped_) return;
    stopping_ = true;
    // Order matters: shards stop taking commands and hand over what they
    // decided; the committer commits it; then shards take the last notices.
    committer_->Stop();
    for (auto& s : shards_) s->Stop();
    std::lock_guard lock(publishers_mu_);
    for (auto& p : publishers_) p->Stop();
    stopped_ = true;
  }

  Status StoreHealth() const { return committer_->health(); }

  RuntimeStats Stats() const {
    RuntimeStats s;
    const CommitterStats& c = committer_->stats();
    s.batches = c.batches;
    s.commands_committed = c.commands;
    s.events = c.events;
    s.duplicates = c.duplicates;
    s.conflicts = c.conflicts;
    s.store_failures = c.store_failures;
    s.unknown_outcomes = c.unknown_outcomes;
    s.append_micros = c.append_micros;
    s.queued = committer_->queue_depth();
    for (const auto& shard : shards_) {
      s.cached_aggregates += shard->cached_aggregates();
      s.queued += shard->queue_depth();
    }
    return s;
  }

 private:
  void PostNotices(std::size_t shard, std::vector<CommitNotice>& notices) {
    std::vector<ShardMessage> messages;
    messages.reserve(notices.size());
    for (CommitNotice& n : notices) messages.emplace_back(std::move(n));
    notices.clear();
    shards_[shard]->PostAll(messages);
  }

  void Publish(std::vector<Event>& duplicates) {
    std::lock_guard lock(publishers_mu_);
    std::int64_t last = store_->LastPosition();
    for (auto& p : publishers_) {
      p->Notify(last);
      if (!duplicates.empty()) p->Republish(duplicates);
    }
  }

  EventStore* store_;
  RuntimeOptions options_;
  std::unique_ptr<GroupCommitter> committer_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex publishers_mu_;
  std::vector<std::unique_ptr<EventPublisher>> publishers_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  bool stopped_ = false;
};

Result<std::unique_ptr<AggregateRuntime>> AggregateRuntime::Start(EventStore* store, const AggregateRegistry* registry,
                                                                  RuntimeOptions options) {
  if (!store || !registry) return Status::InvalidArgument("runtime needs a store and a registry");
  if (options.shards < 1) return Status::InvalidArgument("shards must be at least 1");
  if (options.max_batch_commands < 1) return Status::InvalidArgument("max_batch_commands must be at least 1");
  if (!options.clock) options.clock = SystemClock::Default();
  if (!options.executor) options.executor = ThreadExecutor::Default();
  return std::unique_ptr<AggregateRuntime>(
      new AggregateRuntime(store, std::make_unique<Impl>(store, registry, options)));
}

AggregateRuntime::AggregateRuntime(EventStore* store, std::unique_ptr<Impl> impl)
    : store_(store), impl_(std::move(impl)) {}

AggregateRuntime::~AggregateRuntime() { Stop(); }

void AggregateRuntime::Send(Command command, CommandCallback done) { impl_->Send(std::move(command), std::move(done)); }

std::future<CommandResult> AggregateRuntime::Send(Command command) {
  auto promise = std::make_shared<std::promise<CommandResult>>();
  std::future<CommandResult> future = promise->get_future();
  impl_->Send(std::move(command), [promise](CommandResult r) { promise->set_value(std::move(r)); });
  return future;
}

Status AggregateRuntime::Subscribe(const std::string& consumer, EventHandler handler, PublisherOptions options) {
  return impl_->Subscribe(consumer, std::move(handler), options);
}

void AggregateRuntime::Stop() { impl_->Stop(); }

RuntimeStats AggregateRuntime::Stats() const { return impl_->Stats(); }

Status AggregateRuntime::StoreHealth() const { return impl_->StoreHealth(); }

}  // namespace sagad
