#include "core/runtime/state_loader.h"

#include <spdlog/spdlog.h>

namespace sagad {

Result<LoadedState> LoadState(EventStore& store, const AggregateBehavior& behavior, const StreamId& stream) {
  Result<StoredStream> stored = store.Load(stream);
  if (!stored.ok()) return stored.status().WithContext("loading " + stream.ToString());
  LoadedState out;
  std::vector<Event> events = std::move(stored->events);
  std::int64_t base_version = 0;
  if (stored->snapshot) {
    Result<std::unique_ptr<StateBox>> restored = behavior.Restore(stored->snapshot->state);
    if (restored.ok()) {
      out.state = std::move(restored).value();
      base_version = stored->snapshot->version;
      out.snapshot_version = base_version;
    } else {
      spdlog::warn("snapshot of {} unusable ({}); replaying its events", stream.ToString(),
                   restored.status().ToString());
      Result<std::vector<Event>> all = store.ReadStream(stream, 1, stored->version);
      if (!all.ok()) return all.status();
      events = std::move(all).value();
    }
  }
  if (!out.state) out.state = behavior.NewState();
  std::int64_t expect = base_version;
  for (const Event& e : events) {
    if (e.version != ++expect) {
      return Status::Corruption("stream " + stream.ToString() + " has a gap before version " +
                                std::to_string(e.version));
    }
    behavior.Evolve(*out.state, e);
  }
  out.version = stored->version;
  return out;
}

}  // namespace sagad
