// SimulatedExecutor: runs a node's loops (a runtime's shards and committer,
// an engine's dispatch workers) on the caller's thread, one turn at a time,
// when the simulation says so. Several of them (one per simulated process)
// share one thread and one seeded schedule: the simulation asks each for its
// ready loops and picks which one turns next.
//
// Crash() is a process dying: its loops never turn again, and the runtime
// and engine built on it can then be destroyed without finishing anything
// (what was queued in memory is lost; the store keeps what was committed).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/runtime/executor.h"

namespace sagad::testing {

class SimulatedExecutor final : public Executor {
 public:
  void Start(Loop* loop) override { loops_.push_back(loop); }

  // A graceful stop (runtime or engine Stop): the loop finishes its work
  // now, on this thread. After a crash it is just forgotten.
  void Join(Loop* loop) override {
    if (!crashed_) {
      while (loop->Turn()) {
      }
    }
    loops_.erase(std::remove(loops_.begin(), loops_.end(), loop), loops_.end());
  }

  void Crash() { crashed_ = true; }
  bool crashed() const { return crashed_; }

  // Loops with something to do now, in the order they started (so that a
  // seeded choice among them is the same choice on every run).
  void AppendReady(std::vector<Loop*>& out) const {
    if (crashed_) return;
    for (Loop* loop : loops_) {
      if (loop->Ready()) out.push_back(loop);
    }
  }

  // The earliest time a loop has timed work (retries, timers).
  std::optional<std::int64_t> NextWakeMs() const {
    std::optional<std::int64_t> next;
    if (crashed_) return next;
    for (const Loop* loop : loops_) {
      std::optional<std::int64_t> at = loop->WakeAtMs();
      if (at && (!next || *at < *next)) next = at;
    }
    return next;
  }

 private:
  std::vector<Loop*> loops_;
  bool crashed_ = false;
};

}  // namespace sagad::testing
