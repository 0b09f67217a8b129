// Shard: one loop (a thread of its own in production, see executor.h) that
// owns a slice of the aggregates (by hash of their id) and decides their
// commands one at a time, in arrival order.
//
// The command path, per command:
//   mailbox -> cached instance (load on miss) -> Decide -> speculative Evolve
//   -> AppendJob to the group committer (which answers the client once the
//   events are durable) -> CommitNotice back here.
//
// Because state is evolved speculatively, the next command of the same
// aggregate is decided while the previous one's write is still in flight.
// If that write does not land (store failure, conflict, duplicate), the
// instance is marked stale: new commands wait until the in-flight writes
// have come back, then the instance is reloaded from the store and the
// waiting commands are decided again, in their arrival order.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/aggregate.h"
#include "core/runtime/append_job.h"
#include "core/runtime/executor.h"
#include "core/runtime/mailbox.h"
#include "core/runtime/runtime_options.h"

namespace sagad {

class GroupCommitter;

using ShardMessage = std::variant<PendingCommand, CommitNotice>;

class Shard final : public Loop {
 public:
  Shard(std::size_t index, EventStore* store, const AggregateRegistry* registry, const RuntimeOptions& options,
        GroupCommitter* committer);
  ~Shard() override;

  bool Post(ShardMessage&& message) { return mailbox_.Push(std::move(message)); }
  bool PostAll(std::vector<ShardMessage>& messages) { return mailbox_.PushAll(messages); }

  // Stops after draining the mailbox. The committer must be stopped first so
  // no notice is still on its way.
  void Stop();

  std::size_t cached_aggregates() const { return cached_.load(); }
  std::size_t queue_depth() const { return mailbox_.size(); }

  // Loop (run by RuntimeOptions::executor).
  bool Turn() override;
  void Wait() override { mailbox_.WaitReady(); }
  bool Ready() const override { return mailbox_.Ready(); }

 private:
  struct Instance {
    StreamId stream;
    std::string key;
    const AggregateBehavior* behavior = nullptr;
    std::unique_ptr<StateBox> state;
    std::int64_t version = 0;          // including speculative events
    std::int64_t snapshot_version = 0;
    std::uint64_t in_flight = 0;       // jobs with the committer
    std::uint64_t epoch = 0;           // bumped whenever speculation went wrong
    bool stale = false;                // reload before deciding again
    bool active = false;               // as the store's index of active streams has it (incl. speculation)
    std::vector<PendingCommand> waiting;  // held while stale, in arrival order
    // Command ids with a write in flight: a resend of one is not decided
    // again (that would build on its own speculative events) but asks the
    // store, behind the original, for the original's events.
    std::unordered_map<std::string, int> in_flight_ids;
  };
  using Lru = std::list<Instance>;

  void AnswerHeldOnClose();
  void HandleCommand(PendingCommand p);
  void HandleNotice(CommitNotice n);
  void Decide(Instance& inst, PendingCommand p);
  Instance* Acquire(const StreamId& stream, const std::string& key, const AggregateBehavior* behavior,
                    Status* error);
  Status Reload(Instance& inst);
  void MarkStale(Instance& inst);
  void HoldInOrder(Instance& inst, PendingCommand p);
  void ResumeIfReady(Instance& inst);
  void Evict(const std::string& key);
  void TrimCache();
  void FlushOutbox();
  void Submit(Instance& inst, AppendJob job);
  void AskForOriginal(Instance& inst, PendingCommand p);

  std::size_t index_;
  EventStore* store_;
  const AggregateRegistry* registry_;
  RuntimeOptions options_;
  GroupCommitter* committer_;

  Mailbox<ShardMessage> mailbox_;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, Lru::iterator> instances_;
  std::atomic<std::size_t> cached_{0};
  std::uint64_t arrivals_ = 0;
  std::vector<AppendJob> outbox_;
  std::vector<ShardMessage> messages_;  // the turn's messages (kept to reuse its capacity)
  bool joined_ = false;
};


}  // namespace sagad
