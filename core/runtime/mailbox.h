// Mailbox<T>: a multi-producer queue drained whole by one consumer loop.
// Draining everything at once is what lets a shard (or the committer) work on
// a batch per turn instead of a message per lock round trip.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace sagad {

template <typename T>
class Mailbox {
 public:
  // False once closed: the message was not accepted and is left untouched.
  bool Push(T&& message) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return false;
      items_.push_back(std::move(message));
    }
    cv_.notify_one();
    return true;
  }

  bool PushAll(std::vector<T>& messages) {
    if (messages.empty()) return true;
    {
      std::lock_guard lock(mu_);
      if (closed_) return false;
      for (T& m : messages) items_.push_back(std::move(m));
    }
    messages.clear();
    cv_.notify_one();
    return true;
  }

  // Takes up to `max` messages if there are any, without waiting: the
  // consumer is a Loop that an Executor turns (core/runtime/executor.h).
  enum class Drained { kSome, kNone, kClosed };  // kClosed: closed and nothing left
  Drained TryDrain(std::vector<T>& out, std::size_t max = static_cast<std::size_t>(-1)) {
    out.clear();
    std::lock_guard lock(mu_);
    if (items_.empty()) return closed_ ? Drained::kClosed : Drained::kNone;
    if (items_.size() <= max) {
      out.swap(items_);
    } else {
      out.assign(std::make_move_iterator(items_.begin()),
                 std::make_move_iterator(items_.begin() + static_cast<std::ptrdiff_t>(max)));
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(max));
    }
    return Drained::kSome;
  }

  // Blocks until a message is queued or the mailbox is closed (or, the
  // timed form, until `timeout` passed).
  void WaitReady() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
  }
  template <typename Duration>
  void WaitReadyFor(Duration timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
  }

  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

  // Messages queued, or closed: the next TryDrain has something to report.
  bool Ready() const {
    std::lock_guard lock(mu_);
    return !items_.empty() || closed_;
  }

  // Refuses new messages; the consumer still drains what is queued.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
  bool closed_ = false;
};

}  // namespace sagad
