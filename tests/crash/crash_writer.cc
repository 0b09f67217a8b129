// crash_writer: the process crash_test kills.
//
//   crash_writer --store sqlite:PATH?synchronous=full --ack-log FILE --prefix P
//                [--threads 4] [--accounts 16] [--window 32]
//
// Client threads send Deposit commands (ids "P-t<thread>-<n>", unique as long
// as the prefix is) to a few shared accounts, forever. Each acknowledged
// command is appended to the ack log as one line
//
//   <stream> <command id> <version> <global position>\n
//
// written with a single write(2), so a kill leaves whole lines only. A line is
// written only after the runtime answered OK, i.e. after the commit returned.
#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/command_window.h"
#include "core/runtime/aggregate_runtime.h"
#include "core/store/event_store.h"
#include "core/testing/bank_account.h"

namespace {

struct Flags {
  std::string store;
  std::string ack_log;
  std::string prefix;
  int threads = 4;
  int accounts = 16;
  int window = 32;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "crash_writer: %s\n", message.c_str());
  std::exit(2);
}

Flags Parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) Die("missing value for " + arg);
    std::string value = argv[++i];
    if (arg == "--store") {
      f.store = value;
    } else if (arg == "--ack-log") {
      f.ack_log = value;
    } else if (arg == "--prefix") {
      f.prefix = value;
    } else if (arg == "--threads") {
      f.threads = std::atoi(value.c_str());
    } else if (arg == "--accounts") {
      f.accounts = std::atoi(value.c_str());
    } else if (arg == "--window") {
      f.window = std::atoi(value.c_str());
    } else {
      Die("unknown flag " + arg);
    }
  }
  if (f.store.empty() || f.ack_log.empty() || f.prefix.empty()) {
    Die("usage: crash_writer --store URL --ack-log FILE --prefix P [--threads N] [--accounts N] [--window N]");
  }
  if (f.threads < 1 || f.accounts < 1 || f.window < 1) Die("--threads, --accounts and --window must be positive");
  return f;
}

using sagad::testing::CommandWindow;

}  // namespace

int main(int argc, char** argv) {
  Flags flags = Parse(argc, argv);

  auto store = sagad::OpenEventStore(flags.store);
  if (!store.ok()) Die("opening " + flags.store + ": " + store.status().ToString());
  sagad::AggregateRegistry registry;
  if (!registry.Register(sagad::testing::MakeBankAccountType()).ok()) Die("registering BankAccount");
  sagad::RuntimeOptions options;
  options.shards = 2;
  auto runtime = sagad::AggregateRuntime::Start(store->get(), &registry, options);
  if (!runtime.ok()) Die("starting the runtime: " + runtime.status().ToString());

  int ack_fd = ::open(flags.ack_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (ack_fd < 0) Die("opening " + flags.ack_log + ": " + std::strerror(errno));

  auto client = [&](int t) {
    CommandWindow window(flags.window);
    std::mt19937 rng(static_cast<unsigned>(t) * 7919u + static_cast<unsigned>(getpid()));
    for (long n = 0;; ++n) {
      window.Acquire();
      sagad::Command c;
      c.command_id = flags.prefix + "-t" + std::to_string(t) + "-" + std::to_string(n);
      c.target = {"BankAccount", "acc-" + std::to_string(rng() % static_cast<unsigned>(flags.accounts))};
      c.type = "Deposit";
      c.payload = {{"amount", 1 + static_cast<int>(rng() % 9)}};
      std::string id = c.command_id;
      (*runtime)->Send(std::move(c), [&window, ack_fd, id](sagad::CommandResult r) {
        if (r.status.ok()) {
          if (r.events.size() != 1) Die("a deposit produced " + std::to_string(r.events.size()) + " events");
          const sagad::Event& e = r.events[0];
          std::string line = e.stream.ToString() + " " + id + " " + std::to_string(e.version) + " " +
                             std::to_string(e.global_position) + "\n";
          ssize_t written = ::write(ack_fd, line.data(), line.size());
          if (written != static_cast<ssize_t>(line.size())) Die("short write to the ack log");
        } else if (!r.status.IsRetryable()) {
          Die("command " + id + " failed: " + r.status.ToString());
        }
        window.Release();
      });
    }
  };
  std::vector<std::thread> clients;
  for (int t = 0; t < flags.threads; ++t) clients.emplace_back(client, t);
  for (auto& c : clients) c.join();  // never: the test kills us
  return 0;
}
