// AggregateRuntime: runs commands against event-sourced aggregates.
//
//   auto runtime = AggregateRuntime::Start(store, registry, options);
//   runtime->Send(command, [](CommandResult r) { ... });   // or .get() on the future
//
// Guarantees:
//  * One writer per aggregate: its commands are decided one at a time, in
//    the order they arrived, on the shard that owns it.
//  * Persist, then acknowledge: the callback runs only after the command's
//    events are durable in the store (group commit batches many commands per
//    store transaction). Subscribers only ever see durable events.
//  * Idempotent by command id: resending a command id that was applied returns
//    the original events (`duplicate` = true) and publishes them again.
//  * Unavailable means nothing was written: resend with the same command id.
//    (When the store loses an append's outcome, the runtime asks it until it
//    knows, and only then answers: written, or Unavailable.)
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "core/runtime/command_result.h"
#include "core/runtime/event_publisher.h"
#include "core/runtime/runtime_options.h"
#include "core/store/event_store.h"

namespace sagad {

struct RuntimeStats {
  std::uint64_t batches = 0;
  std::uint64_t commands_committed = 0;  // commands that reached the store (incl. probes)
  std::uint64_t events = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t store_failures = 0;
  std::uint64_t unknown_outcomes = 0;  // appends whose outcome the store lost and then found out
  std::uint64_t append_micros = 0;
  std::size_t cached_aggregates = 0;
  std::size_t queued = 0;  // messages waiting in shard mailboxes and the committer

  double mean_batch() const { return batches ? static_cast<double>(commands_committed) / batches : 0; }
};

class AggregateRuntime {
 public:
  // The store and registry must outlive the runtime.
  static Result<std::unique_ptr<AggregateRuntime>> Start(EventStore* store, const AggregateRegistry* registry,
                                                         RuntimeOptions options = {});
  ~AggregateRuntime();
  AggregateRuntime(const AggregateRuntime&) = delete;
  AggregateRuntime& operator=(const AggregateRuntime&) = delete;

  // `done` is called exactly once. InvalidArgument (at once) for a command
  // without id, target or type.
  void Send(Command command, CommandCallback done);
  std::future<CommandResult> Send(Command command);

  // Delivers committed events, in global order, to `consumer` from its
  // durable checkpoint. At-least-once.
  Status Subscribe(const std::string& consumer, EventHandler handler, PublisherOptions options = {});

  // Commits what was decided, answers what was not with Unavailable,
  // flushes subscribers' checkpoints. Idempotent.
  void Stop();

  RuntimeStats Stats() const;
  // OK, or why the store's appends are failing now (e.g. "database or disk
  // is full"): what a readiness probe reports. Reads still work meanwhile.
  Status StoreHealth() const;
  EventStore* store() const { return store_; }

 private:
  class Impl;
  AggregateRuntime(EventStore* store, std::unique_ptr<Impl> impl);
  EventStore* store_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad
