// MemoryEventStore: the EventStore contract in process memory. For tests and
// for benchmarks of the engine without I/O; everything is lost on exit.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>

#include "core/store/event_store.h"
#include "core/store/stream_directory.h"

namespace sagad {

class MemoryEventStore final : public EventStore {
 public:
  MemoryEventStore() = default;

  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override;
  Result<StoredStream> Load(const StreamId& stream) override;
  Result<std::vector<Event>> ReadStream(const StreamId& stream, std::int64_t from_version,
                                        std::int64_t to_version) override;
  Result<std::vector<Event>> ReadAll(std::int64_t after_position, std::size_t limit) override;
  Result<std::vector<Event>> FindByCommand(const StreamId& stream, const std::string& command_id) override;
  Status SaveSnapshot(const Snapshot& snapshot) override;
  Result<std::int64_t> LoadCheckpoint(const std::string& consumer) override;
  Status SaveCheckpoint(const std::string& consumer, std::int64_t position) override;
  std::int64_t LastPosition() const override;
  Result<std::vector<std::string>> ListStreams(const std::string& type) override;
  Result<std::vector<StreamId>> ListActive() override;

 private:
  std::vector<Event> CommandEvents(std::int64_t first_position) const;  // lock held
  std::vector<Event> EventsAt(const std::vector<std::int64_t>& positions) const;  // lock held

  mutable std::shared_mutex mu_;
  std::vector<Event> log_;  // log_[p - 1] has global position p
  StreamDirectory directory_;
  std::map<std::string, Snapshot> snapshots_;  // by "type/id"
  std::map<std::string, std::int64_t> checkpoints_;
};

}  // namespace sagad
