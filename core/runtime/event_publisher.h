// EventPublisher: delivers committed events to one named consumer in global
// order, starting from that consumer's durable checkpoint. At-least-once: a
// crash between delivery and checkpoint delivers the same events again, so
// handlers must tolerate repeats (StreamSequencer drops them).
//
// Events are read from the store, not handed over in memory, so the store is
// the outbox: nothing that was acknowledged can be missed by a consumer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/store/event_store.h"

namespace sagad {

// Returns non-OK to have the same events delivered again after a pause.
using EventHandler = std::function<Status(const std::vector<Event>& events)>;

struct PublisherOptions {
  std::size_t batch_size = 1024;
  // Save the checkpoint at most this often (it is a store write).
  int checkpoint_interval_ms = 200;
  int retry_pause_ms = 100;
};

class EventPublisher {
 public:
  EventPublisher(EventStore* store, std::string consumer, EventHandler handler, PublisherOptions options = {});
  ~EventPublisher();

  // Reads the checkpoint and starts delivering.
  Status Start();
  // New events were committed up to `position`.
  void Notify(std::int64_t position);
  // Delivers `events` again (a duplicate command's originals), out of band.
  void Republish(std::vector<Event> events);
  // Delivers what is committed, saves the checkpoint, stops.
  void Stop();

  std::int64_t delivered_position() const { return delivered_.load(); }
  const std::string& consumer() const { return consumer_; }

 private:
  void Run();
  Status SaveCheckpoint();

  EventStore* store_;
  std::string consumer_;
  EventHandler handler_;
  PublisherOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::int64_t known_last_ = 0;
  std::vector<Event> republish_;
  bool stopping_ = false;

  std::atomic<std::int64_t> delivered_{0};
  std::int64_t checkpointed_ = 0;
  std::thread thread_;
};

}  // namespace sagad
