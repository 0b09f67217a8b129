// GroupCommitter: the one writer. Shards hand it decided commands; it appends
// whatever has queued up in one store transaction, then answers the clients
// and tells the shards.
//
// This is leveldb's write path (DBImpl::Write / BuildBatchGroup) with one
// difference: the leader is a dedicated loop (a thread of its own in
// production, see executor.h) rather than the first caller,
// because our callers are shard threads that must keep deciding while a
// write is in flight. The batching is the same: everything that queued during
// the previous write goes into the next one, up to a count and byte cap, so
// the batch grows with load and an idle system commits a lone command at once.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/runtime/append_job.h"
#include "core/runtime/executor.h"
#include "core/runtime/mailbox.h"
#include "core/runtime/runtime_options.h"

namespace sagad {

struct CommitterStats {
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> commands{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> conflicts{0};
  std::atomic<std::uint64_t> store_failures{0};
  std::atomic<std::uint64_t> unknown_outcomes{0};  // appends whose outcome the store lost, then found out
  std::atomic<std::uint64_t> append_micros{0};  // time spent in EventStore::Append
};

class GroupCommitter final : public Loop {
 public:
  // Delivers notices to shard `shard`.
  using NoticeSink = std::function<void(std::size_t shard, std::vector<CommitNotice>& notices)>;
  // Called after each durable batch with the originals of the duplicates it
  // found (they are published again).
  using CommitSink = std::function<void(std::vector<Event>& duplicates)>;

  GroupCommitter(EventStore* store, const RuntimeOptions& options, std::size_t shard_count,
                 NoticeSink notices, CommitSink committed);
  ~GroupCommitter() override;

  // False once stopping: the jobs were not taken.
  bool Submit(std::vector<AppendJob>& jobs) { return queue_.PushAll(jobs); }

  // Commits what is queued, then stops the writer thread.
  void Stop();

  const CommitterStats& stats() const { return stats_; }
  // OK, or the error of the last append while appends keep failing (a
  // full disk, a store that is down): cleared by the next one that works.
  Status health() const {
    std::lock_guard lock(health_mu_);
    return health_;
  }
  std::size_t queue_depth() const { return queue_.size(); }

  // Loop (run by RuntimeOptions::executor): one turn commits what queued.
  bool Turn() override;
  void Wait() override { queue_.WaitReady(); }
  bool Ready() const override { return queue_.Ready(); }

 private:
  void CommitBatch(std::vector<AppendJob>& jobs, std::size_t begin, std::size_t end);
  Result<std::vector<AppendResult>> FindOutcome(const std::vector<AppendRequest>& batch, const Status& unknown);
  bool DecidedOnBrokenSpeculation(const AppendJob& job);

  EventStore* store_;
  RuntimeOptions options_;
  NoticeSink notices_;
  CommitSink committed_;
  Mailbox<AppendJob> queue_;
  CommitterStats stats_;
  std::vector<std::vector<CommitNotice>> outbox_;  // per shard
  // Streams whose write of some epoch did not land (failed, conflict,
  // duplicate). Jobs of that epoch still arriving were decided on top of it
  // before the shard knew: they are turned back as conflicts without being
  // written, even if their expected version happens to match the store.
  // An entry goes when a job of a newer epoch (after the reload) arrives.
  std::unordered_map<std::string, std::uint64_t> broken_epochs_;
  std::vector<AppendJob> jobs_;  // the turn's jobs
  mutable std::mutex health_mu_;
  Status health_;
  bool joined_ = false;
};

}  // namespace sagad
