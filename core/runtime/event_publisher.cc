#include "core/runtime/event_publisher.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sagad {

EventPublisher::EventPublisher(EventStore* store, std::string consumer, EventHandler handler,
                               PublisherOptions options)
    : store_(store), consumer_(std::move(consumer)), handler_(std::move(handler)), options_(options) {}

EventPublisher::~EventPublisher() { Stop(); }

Status EventPublisher::Start() {
  Result<std::int64_t> checkpoint = store_->LoadCheckpoint(consumer_);
  if (!checkpoint.ok()) return checkpoint.status().WithContext("loading checkpoint of " + consumer_);
  delivered_ = *checkpoint;
  checkpointed_ = *checkpoint;
  known_last_ = store_->LastPosition();
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void EventPublisher::Notify(std::int64_t position) {
  {
    std::lock_guard lock(mu_);
    if (position <= known_last_) return;
    known_last_ = position;
  }
  cv_.notify_one();
}

void EventPublisher::Republish(std::vector<Event> events) {
  {
    std::lock_guard lock(mu_);
    for (Event& e : events) republish_.push_back(std::move(e));
  }
  cv_.notify_one();
}

void EventPublisher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status EventPublisher::SaveCheckpoint() {
  std::int64_t position = delivered_.load();
  if (position == checkpointed_) return Status::Ok();
  Status s = store_->SaveCheckpoint(consumer_, position);
  if (s.ok()) checkpointed_ = position;
  return s;
}

void EventPublisher::Run() {
  auto last_checkpoint = std::chrono::steady_clock::now();
  while (true) {
    std::vector<Event> again;
    bool stopping;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.checkpoint_interval_ms), [&] {
        return stopping_ || known_last_ > delivered_.load() || !republish_.empty();
      });
      again.swap(republish_);
      stopping = stopping_;
    }
    if (!again.empty()) (void)handler_(again);  // best effort: the originals were delivered before

    // Deliver everything committed so far, in pages.
    while (store_->LastPosition() > delivered_.load()) {
      Result<std::vector<Event>> page = store_->ReadAll(delivered_.load(), options_.batch_size);
      Status s = page.ok() ? handler_(*page) : page.status();
      if (!s.ok()) {
        spdlog::warn("consumer {}: delivery after position {} failed ({}); retrying", consumer_, delivered_.load(),
                     s.ToString());
        {
          std::lock_guard lock(mu_);
          stopping = stopping_;
        }
        if (stopping) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(options_.retry_pause_ms));
        continue;
      }
      if (page->empty()) break;
      delivered_ = page->back().global_position;
    }
    auto now = std::chrono::steady_clock::now();
    if (stopping || now - last_checkpoint >= std::chrono::milliseconds(options_.checkpoint_interval_ms)) {
      Status s = SaveCheckpoint();
      if (!s.ok()) spdlog::warn("consumer {}: saving checkpoint failed: {}", consumer_, s.ToString());
      last_checkpoint = now;
    }
    if (stopping) return;
  }
}

}  // namespace sagad
