// The real sagad binary as the crash suite runs it: on one SQLite store and
// one port for its whole life, so that a client that retries finds it again
// after every SIGKILL and restart.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "tests/crash/child_process.h"

namespace sagad::crash {

struct SagadConfig {
  std::string binary;
  std::string store_url;                  // "sqlite:DIR/sagad.db"
  std::string definitions;                // the .saga directory
  std::vector<std::string> participants;  // "inventory=http://...", "payment=inproc"; empty: sagad's default
  std::string log_path;                   // every start appends to it
  std::vector<std::string> flags;         // more of sagad's flags: {"--admin-token", "t", ...}
};

class SagadProcess {
 public:
  explicit SagadProcess(SagadConfig config);

  // Starts sagad and waits until it logs "sagad listening on" (recovery done,
  // API up). The first start picks a free port, the later ones reuse it.
  // Unavailable, with the end of its log, if it exits first or takes longer
  // than a minute.
  Status Start();
  // Starts it without waiting: for a kill while it recovers.
  Status Launch();
  // Each of these first checks that sagad did not end by itself (Internal).
  Status Kill();                                  // SIGKILL, reaped
  Status Pause(std::chrono::milliseconds pause);  // SIGSTOP, then SIGCONT after `pause`
  // SIGTERM; OK if it exits 0 within 30 s (a clean shutdown), else Internal
  // (and it is killed).
  Status Stop();

  // How it ended, with the end of its log, if it ended without being told
  // to (a crash of its own); nothing while it runs.
  std::optional<std::string> EndedByItself();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int starts() const { return starts_; }
  // The running sagad's process id (for /proc: tests/soak), or -1.
  pid_t pid() const { return process_.pid(); }
  const std::string& log_path() const { return config_.log_path; }

 private:
  Status WaitListening();

  SagadConfig config_;
  int port_ = 0;
  int starts_ = 0;
  std::size_t log_offset_ = 0;  // where the log of the last start begins
  ChildProcess process_;
};

// A TCP port free on 127.0.0.1 now and below the kernel's ephemeral range:
// no client's connect(2) is given it while sagad is down, which could
// otherwise take it (a socket connected to itself) and keep sagad from
// binding it again.
Result<int> FreePortBelowEphemeralRange();

// A new directory under the system's temporary one, named `prefix` and six
// random characters: where a run keeps sagad's store and logs. Empty if it
// cannot be made.
std::filesystem::path MakeRunDirectory(const std::string& prefix);

}  // namespace sagad::crash
