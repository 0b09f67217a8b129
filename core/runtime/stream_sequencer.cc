#include "core/runtime/stream_sequencer.h"

#include "core/runtime/shard.h"

namespace sagad {

void StreamSequencer::SetApplied(const StreamId& stream, std::int64_t version) {
  streams_[StreamKey(stream)].applied = version;
}

std::int64_t StreamSequencer::Applied(const StreamId& stream) const {
  auto it = streams_.find(StreamKey(stream));
  return it == streams_.end() ? 0 : it->second.applied;
}

std::size_t StreamSequencer::Offer(const Event& event, const Apply& apply) {
  Progress& p = streams_[StreamKey(event.stream)];
  if (event.version <= p.applied) {
    dropped_++;
    return 0;
  }
  if (event.version > p.applied + 1) {
    if (p.held.emplace(event.version, event).second) {
      held_count_++;
    } else {
      dropped_++;
    }
    return 0;
  }
  apply(event);
  p.applied = event.version;
  std::size_t applied = 1;
  // Release successors that were waiting for this one.
  auto it = p.held.begin();
  while (it != p.held.end() && it->first <= p.applied + 1) {
    if (it->first == p.applied + 1) {
      apply(it->second);
      p.applied = it->first;
      applied++;
    } else {
      dropped_++;
    }
    it = p.held.erase(it);
    held_count_--;
  }
  return applied;
}

std::map<std::string, std::int64_t> StreamSequencer::Gaps() const {
  std::map<std::string, std::int64_t> gaps;
  for (const auto& [key, p] : streams_) {
    if (!p.held.empty()) gaps[key] = p.applied + 1;
  }
  return gaps;
}

}  // namespace sagad
