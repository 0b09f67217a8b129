#include "tests/crash/crash_run.h"

#include <signal.h>
#include <cstdlib>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "samples/order-inventory-payment/driver/driver.h"
#include "tests/crash/sagad_process.h"
#include "tests/crash/store_audit.h"

namespace sagad::crash {
namespace {

namespace fs = std::filesystem;
namespace driver = sample::driver;

// Violations and histories printed in full; the count covers them all.
constexpr std::size_t kShownViolations = 50;
constexpr std::size_t kShownHistories = 10;

// The starts sagad acknowledged, as the driver reports them, and whether the
// driver has ended: what the disruptions wait on.
class Acknowledgements {
 public:
  void Add(const std::string& instance_id) {
    std::lock_guard lock(mu_);
    ids_.push_back(instance_id);
    changed_.notify_all();
  }
  void DriverEnded() {
    std::lock_guard lock(mu_);
    driver_ended_ = true;
    changed_.notify_all();
  }
  enum class Wait { kReached, kDriverEnded, kTimedOut };
  // Until `n` starts were acknowledged, or the driver ended first, or `limit` passed.
  Wait WaitFor(std::size_t n, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, limit, [&] { return ids_.size() >= n || driver_ended_; });
    if (ids_.size() >= n) return Wait::kReached;
    return driver_ended_ ? Wait::kDriverEnded : Wait::kTimedOut;
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> ids_;
  bool driver_ended_ = false;
};

class CrashRun {
 public:
  explicit CrashRun(const CrashRunOptions& o) : o_(o), dir_(MakeRunDirectory("sagad-sample-crash-")) {}

  ~CrashRun() {
    if (!o_.keep && !dir_.empty()) fs::remove_all(dir_);
  }

  int Run() {
    if (dir_.empty()) return CouldNotRun(Status::Unavailable("cannot make a temporary directory"));
    bool http = !o_.inventory_participant.empty();
    std::printf(
        "crash suite: seed %llu, %d kills and %d pauses (%d-%d ms) over %zu orders and %zu transfers, "
        "inventory %s; store and logs in %s%s\n",
        static_cast<unsigned long long>(o_.seed), o_.kills, o_.pauses, o_.pause.min, o_.pause.max, o_.orders,
        o_.transfers, http ? "over HTTP (the Python participant)" : "in-process", dir_.c_str(),
        o_.keep ? "" : " (removed at the end; --keep keeps them)");
    std::string inventory_url;
    std::vector<std::string> participants;  // none: sagad's built-in sample participants in-process
    if (http) {
      Result<std::string> url = StartInventory();
      if (!url.ok()) return CouldNotRun(url.status());
      inventory_url = *url;
      participants = {"inventory=" + inventory_url, "payment=inproc", "order=inproc"};
    }
    sagad_ = std::make_unique<SagadProcess>(SagadConfig{.binary = o_.sagad,
                                                        .store_url = StoreUrl(),
                                                        .definitions = o_.definitions,
                                                        .participants = participants,
                                                        .log_path = (dir_ / "sagad.log").string()});
    if (Status started = sagad_->Start(); !started.ok()) return CouldNotRun(started);

    // The driver on its own thread; every child process is started from this
    // one, which outlives them (ChildProcess).
    std::thread load([&] { RunDriver(inventory_url); });
    Disrupt();
    load.join();

    if (Status stopped = sagad_->Stop(); !stopped.ok()) violations_.push_back({stopped.message(), ""});
    if (inventory_.running()) {
      (void)inventory_.Signal(SIGTERM);
      (void)inventory_.Wait(std::chrono::seconds(10));
    }
    return Report();
  }

 private:
  std::string StoreUrl() const { return "sqlite:" + (dir_ / "sagad.db").string(); }

  int CouldNotRun(const Status& s) {
    std::fprintf(stderr, "sample_crash: %s\n", s.ToString().c_str());
    return 2;
  }

  // The Python participant on a port it picks (the first line it prints). It
  // loses replies after doing the work, as a reply lost on the way back.
  Result<std::string> StartInventory() {
    std::string out = (dir_ / "inventory.out").string();
    SAGAD_RETURN_IF_ERROR(
        inventory_.Start({o_.python, o_.inventory_participant, "--port", "0", "--quiet", "--lose-replies",
                          std::to_string(o_.lose_replies), "--fault-seed", std::to_string(o_.seed)},
                         out, (dir_ / "inventory.log").string()));
    for (int i = 0; i < 100; ++i) {
      std::string port;
      std::ifstream(out) >> port;
      if (!port.empty() && port.find_first_not_of("0123456789") == std::string::npos) {
        return "http://127.0.0.1:" + port + "/inventory";
      }
      if (inventory_.Exited()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Status::Unavailable("the inventory participant printed no port within 10 s; its stderr:\n" +
                               Tail((dir_ / "inventory.log").string(), 20));
  }

  void RunDriver(const std::string& inventory_url) {
    driver::DriverOptions d;
    d.server = sagad_->url();
    d.inventory_url = inventory_url;
    d.orders = o_.orders;
    d.transfers = o_.transfers;
    d.concurrency = o_.concurrency;
    d.seed_path = o_.sample_seed;
    d.run_id = "crash" + std::to_string(o_.seed);
    d.timeout_s = o_.timeout_s;
    // A client keeps resending while sagad is down or stopped: longer than
    // any pause and any restart.
    d.retry_for_s = o_.pause.max / 1000 + 60;
    d.on_started = [this](const std::string& id) { acknowledged_.Add(id); };
    d.on_summary = [this](const driver::Summary& s) { checks_ = s.checks; };
    driver_exit_ = driver::RunDriver(d);
    acknowledged_.DriverEnded();
  }

  // The plan, one disruption at a time, each once its count of acknowledged
  // starts is reached; stops early if the driver ended first (it failed).
  // Then watches sagad until the driver ends.
  void Disrupt() {
    std::vector<Disruption> plan = MakePlan(
        o_.seed, {.kills = o_.kills, .pauses = o_.pauses, .starts = o_.orders + o_.transfers, .pause = o_.pause});
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const Disruption& d = plan[i];
      if (!WaitForStarts(d.after_starts)) return;
      std::this_thread::sleep_for(d.delay);
      if (d.kind == DisruptionKind::kPause) {
        if (Status s = sagad_->Pause(d.length); !s.ok()) Abandon("pausing sagad: " + s.message());
        ++pauses_;
        continue;
      }
      Kill(d);
      // Kills of the restarts that follow, while sagad recovers.
      for (; i + 1 < plan.size() && plan[i + 1].kind == DisruptionKind::kKillWhileStarting; ++i) {
        if (Status s = sagad_->Launch(); !s.ok()) Abandon("restarting sagad: " + s.message());
        std::this_thread::sleep_for(plan[i + 1].delay);
        Kill(plan[i + 1]);
      }
      // Not coming back on its own store is the worst a crash can do.
      if (Status s = sagad_->Start(); !s.ok()) Abandon("after kill " + std::to_string(kills_) + ": " + s.message());
    }
    WaitForStarts(std::numeric_limits<std::size_t>::max());
  }

  // SIGKILL, then sagad stays down for the disruption's length.
  void Kill(const Disruption& d) {
    if (Status s = sagad_->Kill(); !s.ok()) Abandon("killing sagad: " + s.message());
    ++kills_;
    std::this_thread::sleep_for(d.length);
  }

  // Until `n` starts were acknowledged (true) or the driver ended (false);
  // meanwhile a sagad that ends by itself (a crash of its own) ends the run:
  // the driver would only go on resending to nobody.
  bool WaitForStarts(std::size_t n) {
    while (true) {
      Acknowledgements::Wait wait = acknowledged_.WaitFor(n, std::chrono::milliseconds(100));
      if (wait != Acknowledgements::Wait::kTimedOut) return wait == Acknowledgements::Wait::kReached;
      if (std::optional<std::string> crash = sagad_->EndedByItself()) Abandon(*crash);
    }
  }

  // sagad could not be driven on: what was found, then out at once (the
  // driver is still resending to it; the children die with this process).
  [[noreturn]] void Abandon(const std::string& why) {
    violations_.push_back({why, ""});
    PrintViolations(nullptr);
    PrintLine(0, 0);
    std::fflush(stdout);
    if (!o_.keep) fs::remove_all(dir_);
    std::_Exit(1);
  }

  int Report() {
    Result<StoreContents> store = ReadStore(StoreUrl());
    if (!store.ok()) {
      violations_.push_back({"the store does not open after the run: " + store.status().ToString(), ""});
      PrintViolations(nullptr);
      PrintLine(0, 0);
      return 1;
    }
    Audit audit = AuditStore(*store, acknowledged_.ids());
    violations_.insert(violations_.end(), audit.violations.begin(), audit.violations.end());
    for (const driver::Check& c : checks_) {
      for (const std::string& p : c.problems) violations_.push_back({c.name + ": " + p, ""});
      for (const std::string& saga : c.sagas) named_sagas_.push_back(saga);
    }
    if (driver_exit_ != driver::kAllHold && checks_.empty()) {
      violations_.push_back(
          {"the load driver did not finish (exit status " + std::to_string(driver_exit_) + "; its message is above)",
           ""});
    }
    if (kills_ != o_.kills || pauses_ != o_.pauses) {
      violations_.push_back({"only " + std::to_string(kills_) + " kills and " + std::to_string(pauses_) +
                                 " pauses happened before the load ended",
                             ""});
    }
    PrintViolations(&*store);
    PrintLine(audit.sagas, audit.events);
    return violations_.empty() ? 0 : 1;
  }

  // Each violation, then the history of every saga one of them is about.
  void PrintViolations(const StoreContents* store) {
    std::set<std::string> sagas(named_sagas_.begin(), named_sagas_.end());
    for (std::size_t i = 0; i < violations_.size(); ++i) {
      if (!violations_[i].saga.empty()) sagas.insert(violations_[i].saga);
      if (i < kShownViolations) std::printf("violation: %s\n", violations_[i].what.c_str());
    }
    if (violations_.size() > kShownViolations) {
      std::printf("... and %zu more violations\n", violations_.size() - kShownViolations);
    }
    if (!store) return;
    std::size_t shown = 0;
    for (const std::string& saga : sagas) {
      if (shown++ == kShownHistories) {
        std::printf("... and the histories of %zu more sagas\n", sagas.size() - kShownHistories);
        break;
      }
      std::vector<std::string> history = SagaHistory(*store, saga);
      std::printf("history of %s:%s\n", saga.c_str(), history.empty() ? " no event in the store" : "");
      for (const std::string& line : history) std::printf("  %s\n", line.c_str());
    }
    if (!violations_.empty()) {
      std::printf(
          "replay this plan: --seed %llu (the kills fall at the same counts of starts, not at the same "
          "instants); --keep keeps the store and sagad's log\n",
          static_cast<unsigned long long>(o_.seed));
    }
  }

  void PrintLine(std::size_t sagas, std::size_t events) {
    std::printf("crash: kills=%d sagas=%zu events=%zu violations=%zu\n", kills_, sagas, events, violations_.size());
  }

  const CrashRunOptions& o_;
  fs::path dir_;
  std::unique_ptr<SagadProcess> sagad_;
  ChildProcess inventory_;
  Acknowledgements acknowledged_;
  driver::ExitCode driver_exit_ = driver::kCouldNotRun;
  std::vector<driver::Check> checks_;
  std::vector<std::string> named_sagas_;  // by the invariants' problems
  std::vector<Violation> violations_;
  int kills_ = 0;
  int pauses_ = 0;
};

}  // namespace

int RunCrashSuite(const CrashRunOptions& options) { return CrashRun(options).Run(); }

}  // namespace sagad::crash
