// ForwardingEventStore: an EventStore that passes every call to another one.
// Decorators (fault injection in tests, metrics, tracing) derive from it and
// override only the calls they care about.
#pragma once

#include "core/store/event_store.h"

namespace sagad {

class ForwardingEventStore : public EventStore {
 public:
  explicit ForwardingEventStore(EventStore* inner) : inner_(inner) {}

  Result<std::vector<AppendResult>> Append(const std::vector<AppendRequest>& batch) override {
    return inner_->Append(batch);
  }
  Result<StoredStream> Load(const StreamId& stream) override { return inner_->Load(stream); }
  Result<std::vector<Event>> ReadStream(const StreamId& s, std::int64_t from, std::int64_t to) override {
    return inner_->ReadStream(s, from, to);
  }
  Result<std::vector<Event>> ReadAll(std::int64_t after, std::size_t limit) override {
    return inner_->ReadAll(after, limit);
  }
  Result<std::vector<Event>> FindByCommand(const StreamId& s, const std::string& id) override {
    return inner_->FindByCommand(s, id);
  }
  Status SaveSnapshot(const Snapshot& s) override { return inner_->SaveSnapshot(s); }
  Result<std::int64_t> LoadCheckpoint(const std::string& c) override { return inner_->LoadCheckpoint(c); }
  Status SaveCheckpoint(const std::string& c, std::int64_t p) override { return inner_->SaveCheckpoint(c, p); }
  std::int64_t LastPosition() const override { return inner_->LastPosition(); }
  Result<std::vector<std::string>> ListStreams(const std::string& t) override { return inner_->ListStreams(t); }
  Result<std::vector<StreamId>> ListActive() override { return inner_->ListActive(); }

 protected:
  EventStore* inner() const { return inner_; }

 private:
  EventStore* inner_;
};

}  // namespace sagad
