#include "core/store/memory/memory_event_store.h"

#include <algorithm>
#include <mutex>

namespace sagad {

std::vector<Event> MemoryEventStore::CommandEvents(std::int64_t first_position) const {
  std::vector<Event> out;
  const Event& first = log_[static_cast<std::size_t>(first_position - 1)];
  for (auto p = static_cast<std::size_t>(first_position - 1); p < log_.size(); ++p) {
    const Event& e = log_[p];
    if (!(e.stream == first.stream) || e.command_id != first.command_id) break;
    out.push_back(e);
  }
  return out;
}

std::vector<Event> MemoryEventStore::EventsAt(const std::vector<std::int64_t>& positions) const {
  std::vector<Event> out;
  out.reserve(positions.size());
  for (std::int64_t p : positions) out.push_back(log_[static_cast<std::size_t>(p - 1)]);
  return out;
}

Result<std::vector<AppendResult>> MemoryEventStore::Append(const std::vector<AppendRequest>& batch) {
  std::unique_lock lock(mu_);
  auto command_at = [&](std::int64_t position, const StreamId& stream) -> Result<std::string> {
    const Event& e = log_[static_cast<std::size_t>(position - 1)];
    return e.stream == stream ? e.command_id : std::string();
  };
  Result<std::vector<PlannedRequest>> plan =
      PlanAppend(directory_, batch, static_cast<std::int64_t>(log_.size()), command_at);
  if (!plan.ok()) return plan.status();

  std::vector<AppendResult> results(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = (*plan)[i];
    results[i].outcome = p.outcome;
    results[i].current_version = p.current_version;
    if (p.outcome == AppendOutcome::kAppended) {
      results[i].events = EventsOf(batch[i], p);
      for (const Event& e : results[i].events) log_.push_back(e);
      if (batch[i].snapshot) {
        snapshots_[batch[i].stream.ToString()] =
            Snapshot{batch[i].stream, results[i].events.back().version, *batch[i].snapshot};
      }
    }
  }
  // Duplicates of stored commands, and of commands earlier in this batch.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlannedRequest& p = (*plan)[i];
    if (p.outcome != AppendOutcome::kDuplicate) continue;
    results[i].events = p.duplicate_of_request >= 0
                            ? results[static_cast<std::size_t>(p.duplicate_of_request)].events
                            : CommandEvents(p.duplicate_of_position);
  }
  SAGAD_RETURN_IF_ERROR(ApplyPlan(directory_, batch, *plan));
  return results;
}

Result<StoredStream> MemoryEventStore::Load(const StreamId& stream) {
  std::shared_lock lock(mu_);
  StoredStream out;
  const StreamDirectory::StreamInfo* info = directory_.Find(stream);
  if (!info) return out;
  out.version = info->version;
  auto snap = snapshots_.find(stream.ToString());
  if (snap != snapshots_.end()) out.snapshot = snap->second;
  std::int64_t from = out.snapshot ? out.snapshot->version + 1 : 1;
  out.events = EventsAt(directory_.PositionsFrom(stream, from));
  return out;
}

Result<std::vector<Event>> MemoryEventStore::ReadStream(const StreamId& stream,
                                                        std::int64_t from_version,
                                                        std::int64_t to_version) {
  std::shared_lock lock(mu_);
  std::vector<Event> out;
  // Positions before the latest snapshot are not indexed: scan the log.
  for (const Event& e : log_) {
    if (e.stream == stream && e.version >= from_version && (to_version == 0 || e.version <= to_version)) {
      out.push_back(e);
    }
  }
  return out;
}

Result<std::vector<Event>> MemoryEventStore::ReadAll(std::int64_t after_position, std::size_t limit) {
  std::shared_lock lock(mu_);
  std::vector<Event> out;
  for (auto p = static_cast<std::size_t>(std::max<std::int64_t>(after_position, 0));
       p < log_.size() && out.size() < limit; ++p) {
    out.push_back(log_[p]);
  }
  return out;
}

Result<std::vector<Event>> MemoryEventStore::FindByCommand(const StreamId& stream,
                                                           const std::string& command_id) {
  std::shared_lock lock(mu_);
  std::optional<std::int64_t> candidate = directory_.CommandCandidate(stream, command_id);
  if (!candidate) return std::vector<Event>{};
  std::vector<Event> events = CommandEvents(*candidate);
  if (events.empty() || !(events.front().stream == stream) || events.front().command_id != command_id) {
    return std::vector<Event>{};
  }
  return events;
}

Status MemoryEventStore::SaveSnapshot(const Snapshot& snapshot) {
  std::unique_lock lock(mu_);
  SAGAD_RETURN_IF_ERROR(CheckSnapshotVersion(directory_, snapshot));
  std::string key = snapshot.stream.ToString();
  auto it = snapshots_.find(key);
  if (it != snapshots_.end() && it->second.version >= snapshot.version) return Status::Ok();
  SAGAD_RETURN_IF_ERROR(directory_.SetSnapshotVersion(snapshot.stream, snapshot.version));
  snapshots_[key] = snapshot;
  return Status::Ok();
}

Result<std::int64_t> MemoryEventStore::LoadCheckpoint(const std::string& consumer) {
  std::shared_lock lock(mu_);
  auto it = checkpoints_.find(consumer);
  return it == checkpoints_.end() ? std::int64_t{0} : it->second;
}

Status MemoryEventStore::SaveCheckpoint(const std::string& consumer, std::int64_t position) {
  std::unique_lock lock(mu_);
  checkpoints_[consumer] = position;
  return Status::Ok();
}

std::int64_t MemoryEventStore::LastPosition() const {
  std::shared_lock lock(mu_);
  return static_cast<std::int64_t>(log_.size());
}

Result<std::vector<std::string>> MemoryEventStore::ListStreams(const std::string& type) {
  std::shared_lock lock(mu_);
  return directory_.StreamsOfType(type);
}

Result<std::vector<StreamId>> MemoryEventStore::ListActive() {
  std::shared_lock lock(mu_);
  return directory_.ActiveStreams();
}

}  // namespace sagad
