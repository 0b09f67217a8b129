// Who runs the runtime's loops: each shard, the group committer, and the
// coordinator engine's dispatch workers is a Loop over its own mailbox.
//
// In production every loop has a thread of its own (ThreadExecutor, the
// default): it waits for messages, then takes a turn, until the loop is
// closed. The deterministic simulation (tests/simulation/) gives the same
// loops to an executor of its own that runs them all on one thread and
// picks, from a seed, which loop takes the next turn: the real code runs
// under a schedule that the seed replays exactly.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace sagad {

class Loop {
 public:
  virtual ~Loop() = default;
  // Handles what has queued up, without waiting for more. Returns false
  // once the loop is closed and has handled its last message: it takes no
  // more turns.
  virtual bool Turn() = 0;
  // Blocks until a turn has something to do (a message, or the loop's own
  // timer due), or the loop is closed. Threads call it between turns; a
  // single-threaded executor never does.
  virtual void Wait() = 0;
  // Whether a turn now would do something: messages queued, a timer due, or
  // closed with a last turn to take.
  virtual bool Ready() const = 0;
  // When, by the loop's clock, it next has timed work without any new
  // message (nullopt: none). Lets a simulated clock jump to it.
  virtual std::optional<std::int64_t> WakeAtMs() const { return std::nullopt; }
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Begins running `loop` until its Turn returns false. `loop` must stay
  // alive until Join returns.
  virtual void Start(Loop* loop) = 0;
  // Called after the loop was closed: returns once it has taken its last
  // turn.
  virtual void Join(Loop* loop) = 0;
};

// A thread per loop: wait, turn, until the loop says it is done.
class ThreadExecutor final : public Executor {
 public:
  ~ThreadExecutor() override;
  void Start(Loop* loop) override;
  void Join(Loop* loop) override;
  static ThreadExecutor* Default();

 private:
  std::mutex mu_;
  std::unordered_map<Loop*, std::thread> threads_;
};

}  // namespace sagad
