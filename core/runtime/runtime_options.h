#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

#include "core/clock.h"
#include "core/runtime/executor.h"

namespace sagad {

struct RuntimeOptions {
  // Shards (threads that decide). Each aggregate belongs to one shard by a
  // hash of its id. Default: one per hardware thread.
  int shards = static_cast<int>(std::thread::hardware_concurrency() ? std::thread::hardware_concurrency() : 2);
  // Aggregates kept in memory per shard (LRU); a miss reloads from the store.
  std::size_t cache_capacity_per_shard = 200'000;
  // Save a snapshot with the append every this many events of an aggregate
  // (0 = never). Only for types that support snapshots.
  std::int64_t snapshot_every = 100;
  // Group commit bounds: one store transaction carries at most this many
  // commands / approximate bytes. The batch is whatever queued while the
  // previous write was in flight: no timer, no added latency when idle.
  std::size_t max_batch_commands = 8192;
  std::size_t max_batch_bytes = 16 << 20;
  // false: one store transaction per command (the naive baseline).
  bool group_commit = true;
  // How often a command is re-decided after a version conflict before it is
  // answered Conflict.
  int max_conflict_retries = 5;
  // When the store loses an append's outcome (EventStore: DeadlineExceeded),
  // the committer asks it again every this many milliseconds until it can
  // say whether the batch was written; nobody is answered meanwhile.
  int unknown_outcome_pause_ms = 100;
  const Clock* clock = SystemClock::Default();
  // Runs the shards and the group committer (core/runtime/executor.h);
  // null: a thread each (ThreadExecutor::Default()).
  Executor* executor = nullptr;
  // Called by the group committer after each store transaction with the
  // commands it carried and how long the append took (metrics). Keep it cheap.
  std::function<void(std::size_t commands, std::int64_t append_micros)> on_batch;
};

}  // namespace sagad
