// Mailbox<T>: a multi-producer queue drained whole by one consumer thread.
// Draining everything at once is what lets a shard (or the committer) work on
// a batch per wake-up instead of a message per lock round trip.
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

  // Waits for messages and moves all of them into `out` (which it clears).
  // Returns false when the mailbox is closed and empty.
  bool DrainWait(std::vector<T>& out) {
    out.clear();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    out.swap(items_);
    return true;
  }

  // Like DrainWait, but gives up after `timeout` (returning true with `out`
  // empty) so the consumer can also run its timers. False once closed and empty.
  template <typename Duration>
  bool DrainWaitFor(std::vector<T>& out, Duration timeout) {
    out.clear();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return !closed_;
    out.swap(items_);
    return true;
  }

  // Takes at most `max` messages, waiting for at least one.
  bool DrainWaitUpTo(std::vector<T>& out, std::size_t max) {
    out.clear();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    if (items_.size() <= max) {
      out.swap(items_);
    } else {
      out.assign(std::make_move_iterator(items_.begin()),
                 std::make_move_iterator(items_.begin() + static_cast<std::ptrdiff_t>(max)));
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(max));
    }
    return true;
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
