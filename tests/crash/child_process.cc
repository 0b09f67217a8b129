#include "tests/crash/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

namespace sagad::crash {

ChildProcess::~ChildProcess() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
}

Status ChildProcess::Start(const std::vector<std::string>& argv, const std::string& log_path,
                           const std::string& stderr_path) {
  if (running()) return Status::FailedPrecondition(argv.front() + " is already running");
  // Everything the child needs is made before fork: between fork and exec a
  // child of a threaded process may only make async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto open_log = [](const std::string& path) {
    return open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  };
  int log = open_log(log_path);
  if (log < 0) return Status::Unavailable("cannot open " + log_path + ": " + std::strerror(errno));
  int errors = stderr_path.empty() ? fcntl(log, F_DUPFD_CLOEXEC, 0) : open_log(stderr_path);
  if (errors < 0) {
    close(log);
    return Status::Unavailable("cannot open " + stderr_path + ": " + std::strerror(errno));
  }
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the harness died before prctl took effect
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(errors, STDERR_FILENO);
    execv(args[0], args.data());
    static const char kExecFailed[] = "crash suite: exec failed\n";
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, kExecFailed, sizeof kExecFailed - 1);
    _exit(127);
  }
  int fork_errno = errno;
  close(log);
  close(errors);
  close(null);
  if (pid < 0) return Status::Unavailable(std::string("fork: ") + std::strerror(fork_errno));
  pid_ = pid;
  return Status::Ok();
}

Status ChildProcess::Signal(int signal) {
  if (!running()) return Status::Internal("signal " + std::to_string(signal) + " to a process that is not running");
  if (kill(pid_, signal) != 0) return Status::Internal(std::string("kill: ") + std::strerror(errno));
  return Status::Ok();
}

Result<int> ChildProcess::Wait(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::optional<int> status = Exited()) return *status;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::DeadlineExceeded("pid " + std::to_string(pid_) + " still running after " +
                                  std::to_string(limit.count()) + " ms");
}

std::optional<int> ChildProcess::Exited() {
  if (!running()) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return status;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "wait status " + std::to_string(status);
}

std::string Tail(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const std::string& line : last) text += line + "\n";
  return text;
}

}  // namespace sagad::crash
