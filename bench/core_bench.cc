// Benchmarks of the aggregate core on SQLite (synchronous=FULL unless said).
// Prints one JSON object per line; see bench/run.sh.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <random>

#include "bench/bench_util.h"
#include "core/testing/load_generator.h"
#include "core/store/sqlite/sqlite_event_store.h"
#include "core/testing/bank_account.h"

namespace sagad::bench {

using testing::LoadResult;
using testing::RunLoad;
namespace {

Command Deposit(const std::string& account, std::size_t i) {
  Command c;
  c.command_id = "c" + std::to_string(i);
  c.target = {"BankAccount", account};
  c.type = "Deposit";
  c.payload = {{"amount", 1}};
  return c;
}

struct Setup {
  AggregateRegistry registry;
  Setup() { (void)registry.Register(testing::MakeBankAccountType()); }
};

// Runs `total` commands through a fresh runtime on a fresh SQLite store.
LoadResult Measure(Setup& setup, SqliteSync sync, bool group_commit, std::size_t total, std::size_t window,
                   const std::function<Command(std::size_t)>& make, RuntimeStats* stats = nullptr) {
  TempDir dir("core");
  SqliteOptions options;
  options.synchronous = sync;
  auto store = OpenSqliteEventStore(dir.File("bench.db"), options);
  if (!store.ok()) {
    spdlog::critical("cannot open bench store: {}", store.status().ToString());
    std::exit(1);
  }
  RuntimeOptions ro;
  ro.group_commit = group_commit;
  auto runtime = AggregateRuntime::Start(store->get(), &setup.registry, ro);
  LoadResult r = RunLoad(**runtime, total, window, 4, make);
  if (stats) *stats = (*runtime)->Stats();
  (*runtime)->Stop();
  return r;
}

void ReportLoad(const std::string& prefix, LoadResult& r, const RuntimeStats& stats, Json extra = Json::object()) {
  extra["p50_ms"] = PercentileMs(r.latency_us, 50);
  extra["p99_ms"] = PercentileMs(r.latency_us, 99);
  extra["mean_batch"] = stats.mean_batch();
  extra["commands"] = r.ok;
  extra["failed"] = r.failed;
  Report(prefix + ".cmds_per_s", r.per_second(), "commands/s", extra);
}

void HotAggregate(Setup& setup, bool quick) {
  std::size_t total = quick ? 200'000 : 1'000'000;
  auto make = [](std::size_t i) { return Deposit("hot", i); };
  RuntimeStats stats;
  LoadResult grouped = Measure(setup, SqliteSync::kFull, true, total, 4096, make, &stats);
  // The naive baseline: one store transaction (one fsync) per command.
  std::size_t baseline_total = quick ? 2'000 : 10'000;
  RuntimeStats baseline_stats;
  LoadResult baseline = Measure(setup, SqliteSync::kFull, false, baseline_total, 64, make, &baseline_stats);
  ReportLoad("core.hot_aggregate", grouped, stats, {{"target", 100000}});
  Report("core.hot_aggregate.baseline_cmds_per_s", baseline.per_second(), "commands/s",
         {{"mean_batch", baseline_stats.mean_batch()}, {"commands", baseline.ok}});
  Report("core.hot_aggregate.group_commit_ratio", grouped.per_second() / baseline.per_second(), "x",
         {{"value_cmds_per_s", grouped.per_second()},
          {"baseline", baseline.per_second()},
          {"ratio", grouped.per_second() / baseline.per_second()},
          {"target", 20}});
}

void Uniform(Setup& setup, bool quick) {
  std::size_t total = quick ? 300'000 : 1'000'000;
  const std::size_t aggregates = 100'000;
  std::vector<std::uint32_t> targets(total);
  std::mt19937 rng(42);
  for (auto& t : targets) t = rng() % aggregates;
  auto make = [&](std::size_t i) { return Deposit("acct-" + std::to_string(targets[i]), i); };
  RuntimeStats stats;
  LoadResult r = Measure(setup, SqliteSync::kFull, true, total, 4096, make, &stats);
  ReportLoad("core.uniform", r, stats, {{"aggregates", aggregates}, {"target", 100000}});
}

// Builds a store of `events` events over `aggregates` streams, then times
// opening it and loading (rebuilding the state of) every aggregate.
void Recovery(Setup& setup, bool quick) {
  const std::int64_t aggregates = 100'000;
  const std::int64_t events = quick ? 1'000'000 : 1'000'000;
  TempDir dir("recovery");
  std::string path = dir.File("recovery.db");
  {
    SqliteOptions build;
    build.synchronous = SqliteSync::kOff;  // building the fixture is not what we measure
    auto store = OpenSqliteEventStore(path, build);
    std::vector<std::int64_t> version(static_cast<std::size_t>(aggregates), 0);
    std::vector<AppendRequest> batch;
    for (std::int64_t i = 0; i < events; ++i) {
      std::int64_t a = i % aggregates;
      AppendRequest r;
      r.stream = {"BankAccount", "acct-" + std::to_string(a)};
      r.expected_version = version[static_cast<std::size_t>(a)]++;
      r.command_id = "c" + std::to_string(i);
      r.events = {{"Deposited", {{"amount", 1}, {"balance", version[static_cast<std::size_t>(a)]}}}};
      batch.push_back(std::move(r));
      if (batch.size() == 10'000) {
        (void)(*store)->Append(batch);
        batch.clear();
      }
    }
    if (!batch.empty()) (void)(*store)->Append(batch);
  }
  auto start = Clock::now();
  auto store = OpenSqliteEventStore(path);
  if (!store.ok()) {
    spdlog::critical("recovery open failed: {}", store.status().ToString());
    std::exit(1);
  }
  double open_seconds = SecondsSince(start);
  const AggregateBehavior* behavior = setup.registry.Find("BankAccount");
  auto streams = (*store)->ListStreams("BankAccount");
  // As the runtime does it: each shard thread loads its own aggregates.
  std::atomic<std::int64_t> loaded_events{0};
  std::vector<std::thread> loaders;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < threads; ++t) {
    loaders.emplace_back([&, t] {
      for (std::size_t i = t; i < streams->size(); i += threads) {
        auto stored = (*store)->Load({"BankAccount", (*streams)[i]});
        auto state = behavior->NewState();
        for (const Event& e : stored->events) behavior->Evolve(*state, e);
        loaded_events += static_cast<std::int64_t>(stored->events.size());
      }
    });
  }
  for (auto& t : loaders) t.join();
  double seconds = SecondsSince(start);
  Report("core.recovery.seconds", seconds, "s",
         {{"open_seconds", open_seconds},
          {"events", loaded_events.load()},
          {"threads", threads},
          {"aggregates", streams->size()},
          {"target_max", 3}});
}

}  // namespace
}  // namespace sagad::bench

int main(int argc, char** argv) {
  CLI::App app{"Benchmarks of the sagad aggregate core (JSON lines on stdout)"};
  bool quick = false;
  std::vector<std::string> only;
  app.add_flag("--quick", quick, "smaller runs (a minute or two in all)");
  app.add_option("--only", only, "run only these: hot, uniform, recovery");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  sagad::bench::Setup setup;
  if (wanted("hot")) sagad::bench::HotAggregate(setup, quick);
  if (wanted("uniform")) sagad::bench::Uniform(setup, quick);
  if (wanted("recovery")) sagad::bench::Recovery(setup, quick);
  return 0;
}
