#include "tests/soak/soak_run.h"

#include <cstdlib>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "tests/crash/sagad_process.h"
#include "tests/soak/open_loop.h"
#include "tests/soak/process_stats.h"
#include "tests/soak/saga_endings.h"
#include "tests/soak/soak_seed.h"

namespace sagad::soak {
namespace {

namespace fs = std::filesystem;
namespace driver = sample::driver;
using Clock = std::chrono::steady_clock;

constexpr double kMiB = 1024.0 * 1024.0;

// The starts sagad did not accept: they have no saga to wait for.
class Refusals {
 public:
  void Add(std::uint64_t index) {
    std::lock_guard lock(mu_);
    indexes_.insert(index);
  }
  bool Contains(std::uint64_t index) const {
    std::lock_guard lock(mu_);
    return indexes_.contains(index);
  }

 private:
  mutable std::mutex mu_;
  std::set<std::uint64_t> indexes_;
};

class SoakRun {
 public:
  explicit SoakRun(const SoakOptions& o) : o_(o), dir_(crash::MakeRunDirectory("sagad-soak-")) {}

  ~SoakRun() {
    if (!o_.keep && !dir_.empty()) fs::remove_all(dir_);
  }

  int Run() {
    if (dir_.empty()) return CouldNotRun(Status::Unavailable("cannot make a temporary directory"));
    auto starts = static_cast<std::uint64_t>(o_.rate * o_.seconds);
    std::printf("soak: %d s at %.0f starts/s on %d connections (%llu starts); store and log in %s%s\n", o_.seconds,
                o_.rate, o_.connections, static_cast<unsigned long long>(starts), dir_.c_str(),
                o_.keep ? "" : " (removed at the end; --keep keeps them)");
    std::fflush(stdout);
    crash::SagadProcess sagad({.binary = o_.sagad,
                               .store_url = "sqlite:" + (dir_ / "sagad.db").string(),
                               .definitions = o_.definitions,
                               .participants = {},  // the sample's, in-process
                               .log_path = (dir_ / "sagad.log").string(),
                               .flags = o_.sagad_flags});
    if (Status s = sagad.Start(); !s.ok()) return CouldNotRun(s);
    Result<participants::HttpUrl> server = participants::ParseHttpUrl(sagad.url());
    if (!server.ok()) return CouldNotRun(server.status());

    Result<Json> seed = ScaledSeed(o_.sample_seed, starts);
    if (!seed.ok()) return CouldNotRun(seed.status());
    driver::HttpClient seeder(*server);
    if (Status s = ApplySeed(seeder, *seed); !s.ok()) return CouldNotRun(s.WithContext("seeding"));
    SoakWorkload workload("soak", ViewOf(*seed));
    if (workload.empty()) return CouldNotRun(Status::InvalidArgument(o_.sample_seed + " has no stock or no accounts"));

    std::vector<Window> windows = Load(*server, workload, starts, sagad);

    std::vector<std::string> failures;
    EndingsOptions endings_options{.server = *server,
                                   .connections = o_.connections,
                                   .starts = starts,
                                   .was_accepted = [this](std::uint64_t i) { return !refusals_.Contains(i); },
                                   .limit = std::chrono::seconds(o_.end_limit_s)};
    Result<std::map<std::string, std::uint64_t>> endings = WaitEveryEnding(workload, endings_options);
    if (!endings.ok()) failures.push_back("not every saga ended: " + endings.status().message());
    if (endings.ok()) JudgeEndings(*endings, failures);
    if (Status s = sagad.Stop(); !s.ok()) failures.push_back(s.message());

    Verdict verdict = Judge(windows, o_.limits);
    failures.insert(failures.begin(), verdict.failures.begin(), verdict.failures.end());
    std::uint64_t shed = 0;
    for (const Window& w : windows) shed += w.answers.shed;
    Report(verdict, windows.back().accepted_total, shed, failures);
    return failures.empty() ? 0 : 1;
  }

 private:
  int CouldNotRun(const Status& s) {
    std::fprintf(stderr, "sagad_soak: %s\n", s.ToString().c_str());
    return 2;
  }

  // The load, sampled once a second. A sagad that ends by itself ends the
  // run at once (exit 1, its log kept).
  std::vector<Window> Load(const participants::HttpUrl& server, SoakWorkload& workload, std::uint64_t starts,
                           crash::SagadProcess& sagad) {
    LatencyRecorder recorder;
    auto send = [&](driver::HttpClient& client, std::uint64_t i) -> Result<Answered> {
      SagaStart start = workload.At(i);
      Result<driver::HttpAnswer> answer = client.Post(start.target, start.body);
      if (answer.ok() && (answer->status == 200 || answer->status == 201)) return Answered::kAccepted;
      refusals_.Add(i);
      if (!answer.ok()) return answer.status();
      if (o_.overload && answer->status == 503) return Answered::kShed;
      return Status::Internal("POST " + start.target + " answered " + std::to_string(answer->status) + ": " +
                              answer->body.dump());
    };
    if (o_.verbose) std::printf("%8s %9s %6s %6s %8s %8s %8s %5s\n", "t_s", "accepted", "shed", "errors", "p50_ms",
                                "p99_ms", "rss_mb", "fds");
    std::vector<Window> windows;
    OpenLoop load({.server = server, .connections = o_.connections, .rate = o_.rate, .count = starts}, send,
                  &recorder);
    std::uint64_t accepted = 0;
    for (int second = 1; second <= o_.seconds; ++second) {
      std::this_thread::sleep_until(load.started_at() + std::chrono::seconds(second));
      Result<ProcessStats> stats = ReadProcessStats(sagad.pid());
      if (!stats.ok()) {
        std::optional<std::string> ended = sagad.EndedByItself();
        std::printf("soak: FAIL: %s\n", ended ? ended->c_str() : stats.status().ToString().c_str());
        std::fflush(stdout);
        std::_Exit(1);  // the connections would only go on sending to nobody
      }
      Window w{.end_s = static_cast<double>(second), .rss_bytes = stats->rss_bytes, .open_fds = stats->open_fds};
      w.answers = recorder.Take();
      accepted += w.answers.latencies_us.size();
      w.accepted_total = accepted;
      if (o_.verbose) Print(w);
      windows.push_back(std::move(w));
    }
    // Starts still in flight at the end belong to the last window: a backlog
    // then shows in its latency.
    load.Join();
    load_seconds_ = std::chrono::duration<double>(Clock::now() - load.started_at()).count();
    WindowAnswers rest = recorder.Take();
    Window& last = windows.back();
    last.answers.latencies_us.insert(last.answers.latencies_us.end(), rest.latencies_us.begin(),
                                     rest.latencies_us.end());
    last.answers.errors += rest.errors;
    last.answers.shed += rest.shed;
    last.accepted_total += rest.latencies_us.size();
    failures_seen_ = recorder.FirstFailures();
    return windows;
  }

  void Print(const Window& w) {
    std::printf("%8.0f %9llu %6zu %6zu %8.1f %8.1f %8.1f %5d\n", w.end_s,
                static_cast<unsigned long long>(w.accepted_total), w.answers.shed, w.answers.errors,
                PercentileMs(w.answers.latencies_us, 0.5), PercentileMs(w.answers.latencies_us, 0.99),
                w.rss_bytes / kMiB, w.open_fds);
    std::fflush(stdout);
  }

  // How the sagas ended; none may be left STUCK or ABORTED by a run without faults.
  void JudgeEndings(const std::map<std::string, std::uint64_t>& endings, std::vector<std::string>& failures) {
    std::string line;
    for (const auto& [status, count] : endings) line += " " + status + "=" + std::to_string(count);
    if (o_.verbose) std::printf("sagas ended:%s\n", line.c_str());
    for (const char* bad : {"STUCK", "ABORTED"}) {
      if (endings.contains(bad)) failures.push_back("sagas ended " + std::string(bad) + ":" + line);
    }
  }

  void Report(const Verdict& v, std::uint64_t sagas, std::uint64_t shed, const std::vector<std::string>& failures) {
    for (const std::string& f : failures_seen_) std::printf("soak: a failed start: %s\n", f.c_str());
    for (const std::string& f : failures) std::printf("soak: FAIL: %s\n", f.c_str());
    std::printf(
        "soak: seconds=%d rate=%.0f sagas=%llu rss_mb=%.1f->%.1f (%+.0f B/start) fds=%d->%d p99_ms=%.1f->%.1f "
        "(worst second %.0f)%s verdict=%s\n",
        o_.seconds, o_.rate, static_cast<unsigned long long>(sagas), v.second.rss_bytes / kMiB,
        v.last.rss_bytes / kMiB, v.rss_bytes_per_start, v.second.open_fds, v.last.open_fds, v.second.p99_ms,
        v.last.p99_ms, std::max(v.second.worst_p99_ms, v.last.worst_p99_ms), Overload(sagas, shed).c_str(),
        failures.empty() ? "ok" : "FAIL");
  }

  // What an overload run adds to the summary: the starts shed, and the rate
  // sagad admitted them at (over the time until the last start was answered:
  // a backlog that outlasts --seconds lowers it).
  std::string Overload(std::uint64_t sagas, std::uint64_t shed) const {
    if (!o_.overload) return "";
    char line[96];
    std::snprintf(line, sizeof line, " shed=%llu admitted_per_s=%.0f", static_cast<unsigned long long>(shed),
                  static_cast<double>(sagas) / load_seconds_);
    return line;
  }

  const SoakOptions& o_;
  fs::path dir_;
  Refusals refusals_;
  std::vector<std::string> failures_seen_;
  double load_seconds_ = 1;  // from the first start due to the last answered
};

}  // namespace

int RunSoak(const SoakOptions& options) { return SoakRun(options).Run(); }

}  // namespace sagad::soak
