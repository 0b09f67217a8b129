// TimerQueue: at most one timer per process-manager instance, ordered by
// time. The instance's timer is whatever its latest command result said
// (Activity::wake_at_ms), so arming replaces; there are no stale entries to
// skip. Not thread-safe: one dispatch worker owns each queue.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/envelope.h"

namespace sagad::coordinator {

class TimerQueue {
 public:
  using Key = std::pair<std::string, std::string>;  // (aggregate type, id)

  // Sets the instance's timer to `at_ms`, or clears it (nullopt).
  void Set(const StreamId& instance, std::optional<std::int64_t> at_ms) {
    Key key{instance.type, instance.id};
    auto it = armed_.find(key);
    if (it != armed_.end()) {
      if (at_ms && *at_ms == it->second) return;
      order_.erase({it->second, key});
      armed_.erase(it);
    }
    if (!at_ms) return;
    armed_.emplace(key, *at_ms);
    order_.emplace(*at_ms, std::move(key));
  }

  // Sets it only if the instance has no timer (recovery must not undo what a
  // newer command result armed).
  void SetIfUnarmed(const StreamId& instance, std::int64_t at_ms) {
    if (!armed_.count({instance.type, instance.id})) Set(instance, at_ms);
  }

  // Removes and returns the instances whose time is <= now_ms.
  std::vector<StreamId> PopDue(std::int64_t now_ms) {
    std::vector<StreamId> due;
    while (!order_.empty() && order_.begin()->first <= now_ms) {
      auto node = order_.extract(order_.begin());
      armed_.erase(node.value().second);
      due.push_back(StreamId{std::move(node.value().second.first), std::move(node.value().second.second)});
    }
    return due;
  }

  std::optional<std::int64_t> Next() const {
    if (order_.empty()) return std::nullopt;
    return order_.begin()->first;
  }
  std::optional<std::int64_t> At(const StreamId& instance) const {
    auto it = armed_.find({instance.type, instance.id});
    if (it == armed_.end()) return std::nullopt;
    return it->second;
  }
  std::size_t size() const { return armed_.size(); }

 private:
  std::map<Key, std::int64_t> armed_;
  std::set<std::pair<std::int64_t, Key>> order_;
};

}  // namespace sagad::coordinator
