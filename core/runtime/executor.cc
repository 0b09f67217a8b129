#include "core/runtime/executor.h"

namespace sagad {

ThreadExecutor::~ThreadExecutor() {
  std::unordered_map<Loop*, std::thread> left;
  {
    std::lock_guard lock(mu_);
    left.swap(threads_);
  }
  for (auto& [_, thread] : left) {
    if (thread.joinable()) thread.join();
  }
}

void ThreadExecutor::Start(Loop* loop) {
  std::thread thread([loop] {
    for (;;) {
      loop->Wait();
      if (!loop->Turn()) return;
    }
  });
  std::lock_guard lock(mu_);
  threads_.emplace(loop, std::move(thread));
}

void ThreadExecutor::Join(Loop* loop) {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    auto it = threads_.find(loop);
    if (it == threads_.end()) return;
    thread = std::move(it->second);
    threads_.erase(it);
  }
  if (thread.joinable()) thread.join();
}

ThreadExecutor* ThreadExecutor::Default() {
  static ThreadExecutor* executor = new ThreadExecutor();  // never destroyed: loops may outlive statics
  return executor;
}

}  // namespace sagad
