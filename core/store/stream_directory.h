// StreamDirectory: the in-memory index an embedded store keeps beside its
// append-only log, so the hot path never pays a random B-tree insert.
//
// Per stream it holds the current version and the global positions of the
// events after the latest snapshot (so its size per stream is bounded by the
// snapshot interval); per (stream, command id) it holds a 64-bit fingerprint
// pointing at the command's first event. Fingerprints can collide, so a hit
// is only a candidate: the store reads the event at that position and
// compares. A real collision goes to a small exact-key overflow map.
//
// The directory is rebuilt by replaying the log when the store opens; the
// replay is also where the store verifies that versions are contiguous and
// command ids unique (see StreamDirectory::Replay*).
//
// Not thread-safe: the owning store guards it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store/event_store.h"

namespace sagad {

class StreamDirectory {
 public:
  struct StreamInfo {
    std::int64_t version = 0;
    std::int64_t snapshot_version = 0;
    std::vector<std::int64_t> positions;  // of versions snapshot_version+1 .. version
    std::string last_command_id;          // events of one command are contiguous
  };

  const StreamInfo* Find(const StreamId& stream) const;
  std::int64_t VersionOf(const StreamId& stream) const;

  // Position of the first event command_id produced on the stream, if the
  // directory has a candidate for it. Verify before trusting it.
  std::optional<std::int64_t> CommandCandidate(const StreamId& stream,
                                               const std::string& command_id) const;

  // Records an event at the end of its stream. Corruption if the version does
  // not follow the stream's current one.
  Status AddEvent(const StreamId& stream, std::int64_t version, std::int64_t position,
                  const std::string& command_id);

  // Records that `command_id` starts at `position` on the stream. `exact`
  // forces the overflow map (used after a verified fingerprint collision).
  void AddCommand(const StreamId& stream, const std::string& command_id, std::int64_t position,
                  bool exact);

  // Like AddCommand(exact=false), but if the fingerprint is taken returns the
  // position it points at instead (the caller verifies: duplicate or
  // collision). One hash lookup for the common case of a new command.
  std::optional<std::int64_t> AddCommandUnlessTaken(const StreamId& stream, const std::string& command_id,
                                                    std::int64_t position);

  // Sizes the tables for this many commands and streams.
  void Reserve(std::size_t commands) { commands_.reserve(commands); }

  // Forgets positions at or below the snapshot's version.
  Status SetSnapshotVersion(const StreamId& stream, std::int64_t version);

  // Global positions for versions >= from_version (clamped to what is kept).
  std::vector<std::int64_t> PositionsFrom(const StreamId& stream, std::int64_t from_version) const;

  std::vector<std::string> StreamsOfType(const std::string& type) const;
  std::size_t stream_count() const { return stream_count_; }

  // The index of active streams (AppendRequest::active), kept apart from
  // the per-stream info so listing it costs the active streams only.
  void SetActive(const StreamId& stream, bool active);
  std::vector<StreamId> ActiveStreams() const;  // sorted by (type, id)

 private:
  // Lookups by string_view, without building a key string per call.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
  struct TypeStreams {
    StringMap<StreamInfo> by_id;
    std::vector<std::string> ids;  // first-seen order
  };

  StreamInfo* FindMutable(const StreamId& stream);
  static std::uint64_t Fingerprint(const StreamId& stream, const std::string& command_id);
  static std::string ExactKey(const StreamId& stream, const std::string& command_id);

  StringMap<TypeStreams> types_;
  std::set<std::pair<std::string, std::string>> active_;  // (type, id)
  std::size_t stream_count_ = 0;
  std::unordered_map<std::uint64_t, std::int64_t> commands_;
  std::unordered_map<std::string, std::int64_t> command_overflow_;
};

// The decision for one request of a batch, made against the directory before
// any I/O, so a backend only writes what the plan says.
struct PlannedRequest {
  AppendOutcome outcome = AppendOutcome::kAppended;
  std::int64_t first_version = 0;    // kAppended: version of its first event
  std::int64_t first_position = 0;   // kAppended: position of its first event
  std::int64_t duplicate_of_position = 0;  // kDuplicate of a stored command
  int duplicate_of_request = -1;           // kDuplicate of an earlier request of this batch
  std::int64_t current_version = 0;        // kConflict
  bool exact_command_key = false;          // fingerprint collided: index exactly
};

// Reads the command id stored at a global position for one stream, so a
// fingerprint hit can be confirmed. Returns "" if the event there belongs to
// another stream.
using CommandAt = std::function<Result<std::string>(std::int64_t position, const StreamId& stream)>;

// Plans a batch: conflicts, duplicates (stored or earlier in the batch) and
// the versions and positions of what will be appended, starting after
// `last_position`. InvalidArgument for a malformed request.
Result<std::vector<PlannedRequest>> PlanAppend(const StreamDirectory& directory,
                                               const std::vector<AppendRequest>& batch,
                                               std::int64_t last_position, const CommandAt& command_at);

// Applies a committed plan to the directory.
Status ApplyPlan(StreamDirectory& directory, const std::vector<AppendRequest>& batch,
                 const std::vector<PlannedRequest>& plan);

// A snapshot must describe a state its stream has been in (1..version):
// InvalidArgument otherwise.
Status CheckSnapshotVersion(const StreamDirectory& directory, const Snapshot& snapshot);

// Assembles the appended events of request i as the store wrote them.
std::vector<Event> EventsOf(const AppendRequest& request, const PlannedRequest& planned);

}  // namespace sagad
