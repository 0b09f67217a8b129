#include "core/store/stream_directory.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace sagad {

std::string StreamDirectory::ExactKey(const StreamId& stream, const std::string& command_id) {
  return StreamCommandKey(stream, command_id);
}

namespace {
// splitmix64's finaliser: every input bit affects every output bit.
std::uint64_t Mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
}  // namespace

// Three string hashes chained through a mixer, so the order of the parts
// matters (type "A", id "B" differs from type "B", id "A"), without building
// a key string.
std::uint64_t StreamDirectory::Fingerprint(const StreamId& stream, const std::string& command_id) {
  std::hash<std::string_view> h;
  std::uint64_t x = Mix(h(stream.type));
  x = Mix(x ^ h(stream.id));
  return Mix(x ^ h(command_id));
}

StreamDirectory::StreamInfo* StreamDirectory::FindMutable(const StreamId& stream) {
  auto type = types_.find(std::string_view(stream.type));
  if (type == types_.end()) return nullptr;
  auto it = type->second.by_id.find(std::string_view(stream.id));
  return it == type->second.by_id.end() ? nullptr : &it->second;
}

const StreamDirectory::StreamInfo* StreamDirectory::Find(const StreamId& stream) const {
  return const_cast<StreamDirectory*>(this)->FindMutable(stream);
}

std::int64_t StreamDirectory::VersionOf(const StreamId& stream) const {
  const StreamInfo* info = Find(stream);
  return info ? info->version : 0;
}

std::optional<std::int64_t> StreamDirectory::CommandCandidate(const StreamId& stream,
                                                              const std::string& command_id) const {
  if (!command_overflow_.empty()) {
    auto exact = command_overflow_.find(ExactKey(stream, command_id));
    if (exact != command_overflow_.end()) return exact->second;
  }
  auto it = commands_.find(Fingerprint(stream, command_id));
  if (it == commands_.end()) return std::nullopt;
  return it->second;
}

Status StreamDirectory::AddEvent(const StreamId& stream, std::int64_t version,
                                 std::int64_t position, const std::string& command_id) {
  StreamInfo* existing = FindMutable(stream);
  if (!existing) {
    TypeStreams& type = types_[stream.type];
    existing = &type.by_id[stream.id];
    type.ids.push_back(stream.id);
    stream_count_++;
  }
  StreamInfo& info = *existing;
  if (version != info.version + 1) {
    return Status::Corruption("stream " + stream.ToString() + " jumps from version " +
                              std::to_string(info.version) + " to " + std::to_string(version) +
                              " at position " + std::to_string(position));
  }
  info.version = version;
  info.positions.push_back(position);
  if (info.last_command_id != command_id) info.last_command_id = command_id;
  return Status::Ok();
}

void StreamDirectory::AddCommand(const StreamId& stream, const std::string& command_id,
                                 std::int64_t position, bool exact) {
  if (exact) {
    command_overflow_[ExactKey(stream, command_id)] = position;
  } else {
    commands_.emplace(Fingerprint(stream, command_id), position);
  }
}

std::optional<std::int64_t> StreamDirectory::AddCommandUnlessTaken(const StreamId& stream,
                                                                  const std::string& command_id,
                                                                  std::int64_t position) {
  if (!command_overflow_.empty()) {
    auto exact = command_overflow_.find(ExactKey(stream, command_id));
    if (exact != command_overflow_.end()) return exact->second;
  }
  auto [it, inserted] = commands_.try_emplace(Fingerprint(stream, command_id), position);
  if (inserted) return std::nullopt;
  return it->second;
}

Status StreamDirectory::SetSnapshotVersion(const StreamId& stream, std::int64_t version) {
  StreamInfo* found = FindMutable(stream);
  if (!found || version > found->version) {
    return Status::Corruption("snapshot of " + stream.ToString() + " at version " +
                              std::to_string(version) + " is ahead of its events");
  }
  StreamInfo& info = *found;
  if (version <= info.snapshot_version) return Status::Ok();
  auto drop = static_cast<std::size_t>(version - info.snapshot_version);
  info.positions.erase(info.positions.begin(),
                       info.positions.begin() + static_cast<std::ptrdiff_t>(drop));
  info.positions.shrink_to_fit();
  info.snapshot_version = version;
  return Status::Ok();
}

std::vector<std::int64_t> StreamDirectory::PositionsFrom(const StreamId& stream,
                                                         std::int64_t from_version) const {
  const StreamInfo* info = Find(stream);
  if (!info) return {};
  std::int64_t first_kept = info->snapshot_version + 1;
  std::int64_t from = std::max(from_version, first_kept);
  if (from > info->version) return {};
  return {info->positions.begin() + (from - first_kept), info->positions.end()};
}

std::vector<std::string> StreamDirectory::StreamsOfType(const std::string& type) const {
  auto it = types_.find(std::string_view(type));
  return it == types_.end() ? std::vector<std::string>{} : it->second.ids;
}

void StreamDirectory::SetActive(const StreamId& stream, bool active) {
  if (active) {
    active_.emplace(stream.type, stream.id);
  } else {
    active_.erase({stream.type, stream.id});
  }
}

std::vector<StreamId> StreamDirectory::ActiveStreams() const {
  std::vector<StreamId> out;
  out.reserve(active_.size());
  for (const auto& [type, id] : active_) out.push_back(StreamId{type, id});
  return out;
}

Result<std::vector<PlannedRequest>> PlanAppend(const StreamDirectory& directory,
                                               const std::vector<AppendRequest>& batch,
                                               std::int64_t last_position,
                                               const CommandAt& command_at) {
  std::vector<PlannedRequest> plan(batch.size());
  // Versions and command ids as they will be after the earlier requests of
  // this batch.
  std::unordered_map<std::string, std::int64_t> batch_versions;
  std::unordered_map<std::string, int> batch_commands;
  // Streams where a request of this batch was not appended: the later ones
  // were decided on top of it (see the contract in event_store.h).
  std::unordered_set<std::string> broken_chains;
  std::int64_t next_position = last_position + 1;

  for (std::size_t i = 0; i < batch.size(); ++i) {
    const AppendRequest& r = batch[i];
    PlannedRequest& p = plan[i];
    if (r.stream.type.empty() || r.stream.id.empty()) {
      return Status::InvalidArgument("append request " + std::to_string(i) + " has no stream type or id");
    }
    if (r.command_id.empty()) {
      return Status::InvalidArgument("append request for " + r.stream.ToString() + " has no command id");
    }
    if (r.events.empty() && !r.duplicate_probe) {
      return Status::InvalidArgument("append request for " + r.stream.ToString() + " has no events");
    }
    std::string stream_key = StreamKey(r.stream);
    std::string command_key = StreamCommandKey(r.stream, r.command_id);

    if (auto earlier = batch_commands.find(command_key); earlier != batch_commands.end()) {
      p.outcome = AppendOutcome::kDuplicate;
      p.duplicate_of_request = earlier->second;
      if (!r.duplicate_probe) broken_chains.insert(stream_key);
      continue;
    }
    if (std::optional<std::int64_t> candidate = directory.CommandCandidate(r.stream, r.command_id)) {
      Result<std::string> stored = command_at(*candidate, r.stream);
      if (!stored.ok()) return stored.status();
      if (*stored == r.command_id) {
        p.outcome = AppendOutcome::kDuplicate;
        p.duplicate_of_position = *candidate;
        if (!r.duplicate_probe) broken_chains.insert(stream_key);
        continue;
      }
      p.exact_command_key = true;  // a fingerprint collision, not a duplicate
    }
    if (r.duplicate_probe) {
      p.outcome = AppendOutcome::kNotApplied;
      continue;
    }
    auto bv = batch_versions.find(stream_key);
    std::int64_t version = bv != batch_versions.end() ? bv->second : directory.VersionOf(r.stream);
    if (r.expected_version != version || broken_chains.count(stream_key)) {
      p.outcome = AppendOutcome::kConflict;
      p.current_version = version;
      broken_chains.insert(stream_key);
      continue;
    }
    p.outcome = AppendOutcome::kAppended;
    p.first_version = version + 1;
    p.first_position = next_position;
    next_position += static_cast<std::int64_t>(r.events.size());
    batch_versions[stream_key] = version + static_cast<std::int64_t>(r.events.size());
    batch_commands.emplace(std::move(command_key), static_cast<int>(i));
  }
  return plan;
}

Status ApplyPlan(StreamDirectory& directory, const std::vector<AppendRequest>& batch,
                 const std::vector<PlannedRequest>& plan) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (plan[i].outcome != AppendOutcome::kAppended) continue;
    const AppendRequest& r = batch[i];
    const PlannedRequest& p = plan[i];
    for (std::size_t k = 0; k < r.events.size(); ++k) {
      auto offset = static_cast<std::int64_t>(k);
      SAGAD_RETURN_IF_ERROR(
          directory.AddEvent(r.stream, p.first_version + offset, p.first_position + offset, r.command_id));
    }
    directory.AddCommand(r.stream, r.command_id, p.first_position, p.exact_command_key);
    if (r.active) directory.SetActive(r.stream, *r.active);
    if (r.snapshot) {
      SAGAD_RETURN_IF_ERROR(directory.SetSnapshotVersion(
          r.stream, p.first_version + static_cast<std::int64_t>(r.events.size()) - 1));
    }
  }
  return Status::Ok();
}

Status CheckSnapshotVersion(const StreamDirectory& directory, const Snapshot& snapshot) {
  std::int64_t version = directory.VersionOf(snapshot.stream);
  if (snapshot.version < 1 || snapshot.version > version) {
    return Status::InvalidArgument("snapshot of " + snapshot.stream.ToString() + " at version " +
                                   std::to_string(snapshot.version) + " does not match its stream (at version " +
                                   std::to_string(version) + ")");
  }
  return Status::Ok();
}

std::vector<Event> EventsOf(const AppendRequest& request, const PlannedRequest& planned) {
  std::vector<Event> events;
  events.reserve(request.events.size());
  for (std::size_t k = 0; k < request.events.size(); ++k) {
    auto offset = static_cast<std::int64_t>(k);
    Event e;
    e.global_position = planned.first_position + offset;
    e.stream = request.stream;
    e.version = planned.first_version + offset;
    e.command_id = request.command_id;
    e.correlation_id = request.correlation_id;
    e.type = request.events[k].type;
    e.payload = request.events[k].payload;
    e.metadata = request.metadata;
    e.timestamp_ms = request.timestamp_ms;
    events.push_back(std::move(e));
  }
  return events;
}

std::size_t AppendRequest::ApproximateBytes() const {
  std::size_t bytes = 64 + stream.type.size() + stream.id.size() + command_id.size();
  for (const EventData& e : events) bytes += 64 + e.type.size() + (e.payload.is_object() ? e.payload.size() * 32 : 16);
  return bytes;
}

}  // namespace sagad
