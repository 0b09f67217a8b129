// A program the crash suite runs and abuses: started with its output going to
// a log file, signalled (SIGKILL, SIGSTOP, SIGCONT, SIGTERM), reaped.
//
// The child gets SIGKILL when the thread that started it ends, so a harness
// that dies (a failed assertion, ctest's timeout) leaves nothing running:
// start children from a thread that lives as long as they should (main).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace sagad::crash {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILL and reap, if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Runs argv[0] (a path) with its stdout appended to `log_path`, and its
  // stderr too unless `stderr_path` names another file.
  Status Start(const std::vector<std::string>& argv, const std::string& log_path, const std::string& stderr_path = "");

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Sends `signal`; Internal if it is not running.
  Status Signal(int signal);
  // Waits for it to end (at most `limit`) and returns its wait status
  // (decode with WIFEXITED & co); DeadlineExceeded if it is still running.
  Result<int> Wait(std::chrono::milliseconds limit);
  // Has it ended by itself? Its wait status then, and it is reaped.
  std::optional<int> Exited();

 private:
  pid_t pid_ = -1;
};

// "exit code 3", "signal 9 (Killed)": a wait status for messages.
std::string DescribeWaitStatus(int status);

// The end of a log file, for a failure message.
std::string Tail(const std::string& path, std::size_t lines);

}  // namespace sagad::crash
