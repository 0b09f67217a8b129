#include "core/runtime/shard.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/runtime/group_committer.h"
#include "core/runtime/state_loader.h"

namespace sagad {

Shard::Shard(std::size_t index, EventStore* store, const AggregateRegistry* registry,
             const RuntimeOptions& options, GroupCommitter* committer)
    : index_(index), store_(store), registry_(registry), options_(options), committer_(committer) {
  options_.executor->Start(this);
}

Shard::~Shard() { Stop(); }

void Shard::Stop() {
  mailbox_.Close();
  if (!joined_) {
    joined_ = true;
    options_.executor->Join(this);
  }
}

bool Shard::Turn() {
  switch (mailbox_.TryDrain(messages_)) {
    case Mailbox<ShardMessage>::Drained::kNone: return true;
    case Mailbox<ShardMessage>::Drained::kClosed: AnswerHeldOnClose(); return false;
    case Mailbox<ShardMessage>::Drained::kSome: break;
  }
  for (ShardMessage& m : messages_) {
    if (auto* p = std::get_if<PendingCommand>(&m)) {
      HandleCommand(std::move(*p));
    } else {
      HandleNotice(std::move(std::get<CommitNotice>(m)));
    }
  }
  messages_.clear();
  FlushOutbox();
  TrimCache();
  return true;
}

// Closed: every job was settled by FlushOutbox. Commands still held wait
// for notices that will not come: answer them.
void Shard::AnswerHeldOnClose() {
  for (Instance& inst : lru_) {
    for (PendingCommand& p : inst.waiting) p.done(CommandResult{Status::Unavailable("runtime is stopping"), {}, false});
    inst.waiting.clear();
  }
}

// Hands decided jobs to the committer. Once it has stopped, refused jobs are
// settled like a failed commit (answered Unavailable, their aggregate marked
// stale), which may decide held commands again: loop until nothing is left.
void Shard::FlushOutbox() {
  while (!outbox_.empty()) {
    if (committer_->Submit(outbox_)) return;
    std::vector<AppendJob> refused = std::move(outbox_);
    outbox_.clear();
    for (AppendJob& job : refused) {
      job.pending.done(CommandResult{Status::Unavailable("runtime is stopping"), {}, false});
      CommitNotice failed;
      failed.kind = CommitNotice::Kind::kFailed;
      failed.stream_key = std::move(job.stream_key);
      failed.command_id = std::move(job.request.command_id);
      failed.probe = job.request.duplicate_probe;
      failed.epoch = job.epoch;
      HandleNotice(std::move(failed));
    }
  }
}

void Shard::Submit(Instance& inst, AppendJob job) {
  inst.in_flight++;
  if (!job.request.duplicate_probe) inst.in_flight_ids[job.request.command_id]++;
  outbox_.push_back(std::move(job));
}

// A resend of a command whose write is still in flight: a probe queued behind
// the original answers it with the original's events once they are durable.
void Shard::AskForOriginal(Instance& inst, PendingCommand p) {
  AppendJob job;
  job.stream_key = inst.key;
  job.shard = index_;
  job.epoch = inst.epoch;
  job.request.stream = inst.stream;
  job.request.command_id = p.command.command_id;
  job.request.duplicate_probe = true;
  job.probe_answer = Status::Unavailable("the first delivery of this command did not land; resend");
  job.pending = std::move(p);
  Submit(inst, std::move(job));
}

void Shard::HandleCommand(PendingCommand p) {
  if (p.arrival == 0) p.arrival = ++arrivals_;
  const AggregateBehavior* behavior = registry_->Find(p.command.target.type);
  if (!behavior) {
    p.done(CommandResult{Status::InvalidArgument("unknown aggregate type '" + p.command.target.type + "'"), {}, false});
    return;
  }
  std::string key = StreamKey(p.command.target);
  Status error;
  Instance* inst = Acquire(p.command.target, key, behavior, &error);
  if (!inst) {
    p.done(CommandResult{error, {}, false});
    return;
  }
  if (inst->stale || !inst->waiting.empty()) {
    HoldInOrder(*inst, std::move(p));
    ResumeIfReady(*inst);
    return;
  }
  Decide(*inst, std::move(p));
}

void Shard::Decide(Instance& inst, PendingCommand p) {
  if (inst.in_flight_ids.count(p.command.command_id)) {
    AskForOriginal(inst, std::move(p));
    return;
  }
  Decision decision = inst.behavior->Decide(*inst.state, p.command);
  AppendJob job;
  job.stream_key = inst.key;
  job.shard = index_;
  job.epoch = inst.epoch;
  AppendRequest& r = job.request;
  r.stream = inst.stream;
  r.command_id = p.command.command_id;
  r.correlation_id = p.command.correlation_id;
  r.timestamp_ms = options_.clock->NowMs();
  if (p.command.metadata.is_object()) r.metadata = p.command.metadata;
  if (!p.command.causation_id.empty()) {
    if (!r.metadata.is_object()) r.metadata = Json::object();
    r.metadata["causation_id"] = p.command.causation_id;
  }

  if (!decision.ok() && !decision.status().Is(StatusCode::kRejected)) {
    // The request itself is wrong (bad payload, unknown command): no state
    // was involved, answer at once.
    p.done(CommandResult{decision.status(), {}, false});
    return;
  }
  if (!decision.ok() || decision->empty()) {
    // A refusal or a no-op may be the resend of a command that was applied
    // before (the state now says "already done"), and it was decided on
    // state that may still be in flight. Both are settled by a probe queued
    // behind the in-flight writes.
    r.duplicate_probe = true;
    r.expected_version = inst.version;
    job.probe_answer = decision.status();
    if (decision.ok() && inst.behavior->TracksActivity()) p.activity = inst.behavior->ActivityOf(*inst.state);
    job.pending = std::move(p);
    Submit(inst, std::move(job));
    return;
  }

  r.expected_version = inst.version;
  r.events = std::move(decision).value();
  Event applied;
  applied.stream = inst.stream;
  applied.command_id = r.command_id;
  applied.correlation_id = r.correlation_id;
  applied.timestamp_ms = r.timestamp_ms;
  applied.metadata = r.metadata;  // as the store will hand it to a replay
  for (EventData& data : r.events) {
    applied.version = ++inst.version;
    applied.type = data.type;
    applied.payload = std::move(data.payload);
    inst.behavior->Evolve(*inst.state, applied);
    data.payload = std::move(applied.payload);
  }
  if (options_.snapshot_every > 0 && inst.behavior->SupportsSnapshots() &&
      inst.version - inst.snapshot_version >= options_.snapshot_every) {
    r.snapshot = inst.behavior->Snapshot(*inst.state);
    inst.snapshot_version = inst.version;
  }
  if (inst.behavior->TracksActivity()) {
    p.activity = inst.behavior->ActivityOf(*inst.state);
    if (p.activity->active != inst.active) r.active = inst.active = p.activity->active;
  }
  job.pending = std::move(p);
  Submit(inst, std::move(job));
}

void Shard::HandleNotice(CommitNotice n) {
  auto it = instances_.find(n.stream_key);
  if (it == instances_.end()) {
    // Cannot happen: an instance with jobs in flight is never evicted.
    spdlog::error("shard {}: notice for unknown aggregate {}", index_, n.stream_key);
    if (n.pending.done) n.pending.done(CommandResult{Status::Internal("aggregate vanished from its shard"), {}, false});
    return;
  }
  Instance& inst = *it->second;
  inst.in_flight--;
  if (!n.probe) {
    auto id = inst.in_flight_ids.find(n.command_id);
    if (id != inst.in_flight_ids.end() && --id->second == 0) inst.in_flight_ids.erase(id);
  }
  switch (n.kind) {
    case CommitNotice::Kind::kAppended:
    case CommitNotice::Kind::kProbeDuplicate:
      break;
    case CommitNotice::Kind::kDuplicate:
    case CommitNotice::Kind::kFailed:
      MarkStale(inst);
      break;
    case CommitNotice::Kind::kConflict: {
      // A conflict of a job decided on speculation already known to be
      // wrong (its epoch is old) is our own doing, not another writer's:
      // it does not count towards the retries.
      bool another_writer = n.epoch == inst.epoch;
      MarkStale(inst);
      if (another_writer && ++n.pending.conflicts > options_.max_conflict_retries) {
        n.pending.done(CommandResult{
            Status::Conflict("aggregate " + inst.stream.ToString() + " kept changing under this command; resend"),
            {}, false});
      } else {
        HoldInOrder(inst, std::move(n.pending));
      }
      break;
    }
    case CommitNotice::Kind::kProbeNotApplied:
      if (n.epoch == inst.epoch) {
        n.pending.done(CommandResult{n.probe_answer, {}, false, n.pending.activity});
      } else {
        HoldInOrder(inst, std::move(n.pending));  // decided on state that did not land
      }
      break;
  }
  ResumeIfReady(inst);
}

void Shard::MarkStale(Instance& inst) {
  if (!inst.stale) {
    inst.stale = true;
    inst.epoch++;
  }
}

void Shard::HoldInOrder(Instance& inst, PendingCommand p) {
  auto pos = std::upper_bound(inst.waiting.begin(), inst.waiting.end(), p.arrival,
                              [](std::uint64_t arrival, const PendingCommand& w) { return arrival < w.arrival; });
  inst.waiting.insert(pos, std::move(p));
}

// Once nothing of an instance is in flight, a stale one is reloaded and its
// held commands are decided in arrival order.
void Shard::ResumeIfReady(Instance& inst) {
  if (inst.in_flight > 0) return;
  if (inst.stale) {
    Status s = Reload(inst);
    if (!s.ok()) {
      std::vector<PendingCommand> held = std::move(inst.waiting);
      Evict(inst.key);
      for (PendingCommand& p : held) p.done(CommandResult{s, {}, false});
      return;
    }
  }
  std::vector<PendingCommand> held = std::move(inst.waiting);
  inst.waiting.clear();
  for (PendingCommand& p : held) Decide(inst, std::move(p));
}

Status Shard::Reload(Instance& inst) {
  Result<LoadedState> loaded = LoadState(*store_, *inst.behavior, inst.stream);
  if (!loaded.ok()) return loaded.status();
  // As the store's index has it: a stream that does not exist is not in it.
  inst.active = loaded->version > 0 && inst.behavior->TracksActivity() &&
                inst.behavior->ActivityOf(*loaded->state).active;
  inst.state = std::move(loaded->state);
  inst.version = loaded->version;
  inst.snapshot_version = loaded->snapshot_version;
  inst.stale = false;
  return Status::Ok();
}

Shard::Instance* Shard::Acquire(const StreamId& stream, const std::string& key, const AggregateBehavior* behavior,
                                Status* error) {
  auto it = instances_.find(key);
  if (it != instances_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used
    return &*it->second;
  }
  Instance inst;
  inst.stream = stream;
  inst.key = key;
  inst.behavior = behavior;
  *error = Reload(inst);
  if (!error->ok()) return nullptr;
  lru_.push_front(std::move(inst));
  instances_.emplace(key, lru_.begin());
  cached_.store(instances_.size());
  return &lru_.front();
}

void Shard::Evict(const std::string& key) {
  auto it = instances_.find(key);
  if (it == instances_.end()) return;
  lru_.erase(it->second);
  instances_.erase(it);
  cached_.store(instances_.size());
}

// Drops least recently used instances beyond the capacity; busy ones (with
// writes in flight or commands held) stay.
void Shard::TrimCache() {
  if (instances_.size() <= options_.cache_capacity_per_shard) return;
  auto it = lru_.end();
  std::size_t excess = instances_.size() - options_.cache_capacity_per_shard;
  while (excess > 0 && it != lru_.begin()) {
    --it;
    if (it->in_flight == 0 && it->waiting.empty()) {
      instances_.erase(it->key);
      it = lru_.erase(it);
      --excess;
    }
  }
  cached_.store(instances_.size());
}

}  // namespace sagad
