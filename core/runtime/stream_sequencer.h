// StreamSequencer: makes at-least-once, possibly reordered delivery
// effectively-once and in order per stream, for a consumer.
//
// Feed it events as they arrive. For each stream it applies version N+1 only
// after N: an older or repeated version is dropped, a version from the future
// is held until the gap is filled (or fetched with FillGaps).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad {

class StreamSequencer {
 public:
  using Apply = std::function<void(const Event&)>;

  // Where a stream's consumer already is (e.g. restored from its own state).
  void SetApplied(const StreamId& stream, std::int64_t version);
  std::int64_t Applied(const StreamId& stream) const;

  // Applies `event` (and any held successors) if it is next; holds it if it is
  // early; drops it if it was applied already. Returns how many were applied.
  std::size_t Offer(const Event& event, const Apply& apply);

  // Streams with held events and the version each is waiting for; a consumer
  // uses it to fetch missing events from the store.
  std::map<std::string, std::int64_t> Gaps() const;

  std::size_t held() const { return held_count_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  struct Progress {
    std::int64_t applied = 0;
    std::map<std::int64_t, Event> held;  // by version
  };
  std::unordered_map<std::string, Progress> streams_;
  std::size_t held_count_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace sagad
