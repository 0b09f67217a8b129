// Rebuilds an aggregate's state from the store: the latest snapshot, if
// usable, then the events after it. Shared by the runtime's shards (on a
// cache miss or after a failed speculation) and by readers outside the
// runtime (recovery, inspection tools).
#pragma once

#include <cstdint>
#include <memory>

#include "core/aggregate.h"
#include "core/store/event_store.h"

namespace sagad {

struct LoadedState {
  std::unique_ptr<StateBox> state;
  std::int64_t version = 0;           // 0: the stream does not exist (state is the initial one)
  std::int64_t snapshot_version = 0;  // of the snapshot it started from (0: none)
};

// An unreadable snapshot is only a lost shortcut: the state is rebuilt from
// all events (with a warning). Corruption for a gap in the versions.
Result<LoadedState> LoadState(EventStore& store, const AggregateBehavior& behavior, const StreamId& stream);

}  // namespace sagad
