// EventStore: where events live. The contract every backend keeps (checked by
// core/store/testing/event_store_conformance.h on each of them):
//
//  * Append takes a batch of requests, each one command's events for one
//    stream at an expected version, and writes it in one atomic transaction:
//    after a crash either every appended request of the batch is there or
//    none is.
//  * (stream, version) is unique and versions are contiguous from 1. A request
//    whose expected version is not the stream's version is a Conflict; the
//    rest of the batch still goes in.
//  * (stream, command id) is unique. A request whose command id the stream
//    already has is a Duplicate and comes back with the events the command
//    produced the first time; nothing is written for it.
//  * The requests of one stream in a batch form a chain, each decided on top
//    of the one before: once one of them is not appended (Conflict or
//    Duplicate), the later ones of that stream in the batch are Conflict,
//    even if their expected version happens to match (another writer's
//    event may sit where the missing one should be).
//  * Global positions are assigned in commit order, 1..n, without gaps in a
//    successful append.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad {

struct Snapshot {
  StreamId stream;
  std::int64_t version = 0;  // the state after applying events 1..version
  Json state;
};

struct AppendRequest {
  StreamId stream;
  std::int64_t expected_version = 0;  // the stream's version now (0 = new stream)
  std::string command_id;             // must be non-empty
  std::string correlation_id;
  std::int64_t timestamp_ms = 0;
  Json metadata;                      // copied onto every event (null: none)
  std::vector<EventData> events;      // may be empty only for a duplicate probe
  // The state after these events, saved in the same transaction.
  std::optional<Json> snapshot;
  // Asks only "was this command already applied?": never writes. Answered
  // Duplicate with the original events, or NotApplied.
  bool duplicate_probe = false;
  // Set: after this request the stream is (true) or is no longer (false) in
  // the index of active streams (ListActive); written atomically with the
  // events. Unset: unchanged.
  std::optional<bool> active;

  std::size_t ApproximateBytes() const;
};

enum class AppendOutcome {
  kAppended,    // events written; `events` holds them with versions and positions
  kDuplicate,   // command id seen before; `events` holds the original events
  kConflict,    // expected version was stale; `current_version` holds the store's
  kNotApplied,  // a duplicate probe that found nothing
};

struct AppendResult {
  AppendOutcome outcome = AppendOutcome::kAppended;
  std::vector<Event> events;
  std::int64_t current_version = 0;
};

// An aggregate as stored: the latest snapshot, if any, then the events after it.
struct StoredStream {
  std::optional<Snapshot> snapshot;
  std::vector<Event> events;  // versions snapshot.version+1 .. version
  std::int64_t version = 0;   // 0: the stream does not exist
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Writes the batch atomically. The result vector matches the batch index
  // for index. A non-OK status says what was written:
  //  * Unavailable (I/O trouble, safe to retry), InvalidArgument (a
  //    malformed request, e.g. an empty command id): nothing of the batch.
  //  * DeadlineExceeded: the outcome is unknown (the connection died during
  //    COMMIT, the commit's sync failed after the write reached the file):
  //    the whole batch was written or none of it, and the store could not
  //    tell which. A store that answers this must answer the next calls
  //    (above all duplicate probes) from what is durable, re-reading it
  //    first if it has to. The runtime then asks, with the batch as
  //    duplicate probes, until it knows, and answers nobody before.
  virtual Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) = 0;

  // Latest snapshot (if any) and the events after it.
  virtual Result<StoredStream> Load(const StreamId& stream) = 0;

  // Events of one stream with from_version <= version <= to_version
  // (to_version 0 = to the end), in order.
  virtual Result<std::vector<Event>> ReadStream(const StreamId& stream, std::int64_t from_version,
                                                std::int64_t to_version) = 0;

  // Up to `limit` events with global_position > after_position, in order.
  virtual Result<std::vector<Event>> ReadAll(std::int64_t after_position, std::size_t limit) = 0;

  // The events command_id produced on the stream; empty if it produced none
  // or was never applied.
  virtual Result<std::vector<Event>> FindByCommand(const StreamId& stream,
                                                   const std::string& command_id) = 0;

  // Saves a snapshot outside of an append (e.g. compaction). Only the newest
  // snapshot of a stream is kept; an older one than the stored one is ignored.
  virtual Status SaveSnapshot(const Snapshot& snapshot) = 0;

  // Durable consumer positions for publishers and subscribers (0 if unknown).
  virtual Result<std::int64_t> LoadCheckpoint(const std::string& consumer) = 0;
  virtual Status SaveCheckpoint(const std::string& consumer, std::int64_t position) = 0;

  // Global position of the last committed event (0 when empty).
  virtual std::int64_t LastPosition() const = 0;

  // Streams of one type in first-seen order (for indexes and tools).
  virtual Result<std::vector<std::string>> ListStreams(const std::string& type) = 0;

  // Streams whose last append marked them active (AppendRequest::active):
  // what a process manager resumes after a restart. Proportional to the
  // active streams, not to the history. Sorted by (type, id).
  virtual Result<std::vector<StreamId>> ListActive() = 0;
};

// Opens a store from a URL:
//   memory:                  in-process, lost on exit (tests, benchmarks)
//   sqlite:PATH[?synchronous=full|normal|off]   embedded, durable by default
// InvalidArgument for an unknown scheme; the backend's error otherwise.
Result<std::unique_ptr<EventStore>> OpenEventStore(const std::string& url);

}  // namespace sagad
