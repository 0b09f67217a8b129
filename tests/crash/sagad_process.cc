#include "tests/crash/sagad_process.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace sagad::crash {
namespace {

constexpr auto kStartLimit = std::chrono::minutes(1);
constexpr auto kStopLimit = std::chrono::seconds(30);
constexpr char kListening[] = "sagad listening on http://";

std::size_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::size_t>(size);
}

std::string ReadFrom(const std::string& path, std::size_t offset) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool CanBind(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return free;
}

}  // namespace

Result<int> FreePortBelowEphemeralRange() {
  int low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(std::max(1024, low - 10000), low - 1);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int port = pick(rng);
    if (CanBind(port)) return port;
  }
  return Status::Unavailable("no free port below " + std::to_string(low) + " after 100 tries");
}

SagadProcess::SagadProcess(SagadConfig config) : config_(std::move(config)) {}

Status SagadProcess::Start() {
  SAGAD_RETURN_IF_ERROR(Launch());
  return WaitListening();
}

Status SagadProcess::Launch() {
  if (port_ == 0) {
    Result<int> port = FreePortBelowEphemeralRange();
    if (!port.ok()) return port.status();
    port_ = *port;
  }
  ++starts_;
  std::ofstream(config_.log_path, std::ios::app) << "--- crash suite: sagad start " << starts_ << " ---\n";
  std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv = {config_.binary, "--store", config_.store_url, "--definitions", config_.definitions,
                                   "--listen", listen, "--watch-interval-ms", "0"};
  for (const std::string& p : config_.participants) {
    argv.push_back("--participant");
    argv.push_back(p);
  }
  argv.insert(argv.end(), config_.flags.begin(), config_.flags.end());
  log_offset_ = FileSize(config_.log_path);
  return process_.Start(argv, config_.log_path);
}

Status SagadProcess::WaitListening() {
  auto deadline = std::chrono::steady_clock::now() + kStartLimit;
  auto failed = [&](const std::string& why) {
    return Status::Unavailable("sagad start " + std::to_string(starts_) + " " + why + "; the end of its log (" +
                               config_.log_path + "):\n" + Tail(config_.log_path, 20));
  };
  while (ReadFrom(config_.log_path, log_offset_).find(kListening) == std::string::npos) {
    if (std::optional<int> status = process_.Exited()) {
      return failed("ended before listening: " + DescribeWaitStatus(*status));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      (void)Kill();
      return failed("was not listening after a minute");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::Ok();
}

std::optional<std::string> SagadProcess::EndedByItself() {
  std::optional<int> status = process_.Exited();
  if (!status) return std::nullopt;
  return "sagad (start " + std::to_string(starts_) + ") ended by itself with " + DescribeWaitStatus(*status) +
         "; the end of its log (" + config_.log_path + "):\n" + Tail(config_.log_path, 20);
}

Status SagadProcess::Kill() {
  if (std::optional<std::string> crash = EndedByItself()) return Status::Internal(*crash);
  SAGAD_RETURN_IF_ERROR(process_.Signal(SIGKILL));
  Result<int> status = process_.Wait(kStopLimit);
  return status.ok() ? Status::Ok() : status.status();
}

Status SagadProcess::Pause(std::chrono::milliseconds pause) {
  if (std::optional<std::string> crash = EndedByItself()) return Status::Internal(*crash);
  SAGAD_RETURN_IF_ERROR(process_.Signal(SIGSTOP));
  std::this_thread::sleep_for(pause);
  return process_.Signal(SIGCONT);
}

Status SagadProcess::Stop() {
  if (std::optional<std::string> crash = EndedByItself()) return Status::Internal(*crash);
  SAGAD_RETURN_IF_ERROR(process_.Signal(SIGTERM));
  Result<int> status = process_.Wait(kStopLimit);
  if (!status.ok()) {
    (void)Kill();
    return Status::Internal("sagad did not exit within 30 s of SIGTERM");
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Status::Internal("sagad ended with " + DescribeWaitStatus(*status) + " on SIGTERM; the end of its log:\n" +
                            Tail(config_.log_path, 20));
  }
  return Status::Ok();
}

std::filesystem::path MakeRunDirectory(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  return mkdtemp(pattern.data()) ? std::filesystem::path(pattern) : std::filesystem::path();
}

}  // namespace sagad::crash
