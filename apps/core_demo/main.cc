// sagad-core-demo: the aggregate core at work, until the saga sample lands.
//
// Opens a store, runs a burst of deposits and withdrawals against bank
// accounts from many concurrent senders, then replays the store and checks
// that money is conserved: every account's balance equals its deposits minus
// its accepted withdrawals, and versions are contiguous.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <map>
#include <random>
#include <unistd.h>

#include "core/store/event_store.h"
#include "core/testing/bank_account.h"
#include "core/testing/load_generator.h"

namespace {

using namespace sagad;

struct Options {
  std::string store = "sqlite:./data/demo.db";
  int accounts = 1000;
  int commands = 100'000;
  int shards = 0;
  std::string log_level = "warn";
};

// Replays every event and checks the books. Returns the number of problems.
int CheckInvariants(EventStore& store, std::int64_t* events_seen) {
  std::map<std::string, std::int64_t> balance, version;
  int problems = 0;
  std::int64_t after = 0;
  while (true) {
    Result<std::vector<Event>> page = store.ReadAll(after, 10'000);
    if (!page.ok()) {
      spdlog::error("reading the store: {}", page.status().ToString());
      return problems + 1;
    }
    if (page->empty()) break;
    for (const Event& e : *page) {
      const std::string& id = e.stream.id;
      if (e.version != ++version[id]) problems++;
      std::int64_t amount = e.payload.value("amount", std::int64_t{0});
      balance[id] += e.type == "Deposited" ? amount : -amount;
      if (balance[id] < 0 || balance[id] != e.payload.value("balance", std::int64_t{-1})) problems++;
    }
    after = page->back().global_position;
    *events_seen += static_cast<std::int64_t>(page->size());
  }
  return problems;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"sagad-core-demo: concurrent deposits and withdrawals on event-sourced bank accounts,\n"
               "then a replay of the store that checks no money was created or lost."};
  app.add_option("--store", o.store, "store URL: memory: | sqlite:PATH[?synchronous=full|normal|off]")
      ->capture_default_str();
  app.add_option("--accounts", o.accounts, "number of accounts")->check(CLI::Range(1, 10'000'000))->capture_default_str();
  app.add_option("--commands", o.commands, "number of commands")->check(CLI::Range(1, 100'000'000))->capture_default_str();
  app.add_option("--shards", o.shards, "shard threads (0 = one per core)")->check(CLI::Range(0, 256));
  app.add_option("--log-level", o.log_level, "trace|debug|info|warn|error (or SAGAD_LOG_LEVEL)")
      ->envname("SAGAD_LOG_LEVEL")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(o.log_level));

  Result<std::unique_ptr<EventStore>> store = OpenEventStore(o.store);
  if (!store.ok()) {
    std::fprintf(stderr, "sagad-core-demo: cannot open store %s: %s\n", o.store.c_str(),
                 store.status().ToString().c_str());
    return 2;
  }
  AggregateRegistry registry;
  (void)registry.Register(testing::MakeBankAccountType());
  RuntimeOptions options;
  if (o.shards > 0) options.shards = o.shards;
  auto runtime = AggregateRuntime::Start(store->get(), &registry, options);
  if (!runtime.ok()) {
    std::fprintf(stderr, "sagad-core-demo: %s\n", runtime.status().ToString().c_str());
    return 2;
  }

  // Unique command ids per run, so a second run on the same store adds to it.
  std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  std::vector<std::pair<int, int>> plan(static_cast<std::size_t>(o.commands));
  for (auto& [account, amount] : plan) {
    account = static_cast<int>(rng() % static_cast<unsigned>(o.accounts));
    amount = static_cast<int>(rng() % 100) - 30;  // about a third are withdrawals
    if (amount == 0) amount = 1;
  }
  std::printf("sagad core demo: %d commands on %d accounts, store %s\n", o.commands, o.accounts, o.store.c_str());
  testing::LoadResult load = testing::RunLoad(**runtime, plan.size(), 2048, 4, [&](std::size_t i) {
    Command c;
    c.command_id = run + "-" + std::to_string(i);
    c.target = {"BankAccount", "acct-" + std::to_string(plan[i].first)};
    c.type = plan[i].second > 0 ? "Deposit" : "Withdraw";
    c.payload = {{"amount", std::abs(plan[i].second)}};
    return c;
  });
  RuntimeStats stats = (*runtime)->Stats();
  (*runtime)->Stop();

  std::sort(load.latency_us.begin(), load.latency_us.end());
  auto pct = [&](double p) {
    return load.latency_us.empty() ? 0.0
                                   : static_cast<double>(load.latency_us[static_cast<std::size_t>(
                                         p * static_cast<double>(load.latency_us.size() - 1))]) / 1000.0;
  };
  std::int64_t events = 0;
  int problems = CheckInvariants(**store, &events);
  std::printf("\n  %-28s %12.0f commands/s\n", "throughput", load.per_second());
  std::printf("  %-28s %12.2f ms / %.2f ms\n", "latency p50 / p99", pct(0.50), pct(0.99));
  std::printf("  %-28s %12.1f commands per store commit\n", "group commit", stats.mean_batch());
  std::printf("  %-28s %12llu\n", "accepted", static_cast<unsigned long long>(load.ok));
  std::printf("  %-28s %12llu (withdrawals beyond balance)\n", "refused",
              static_cast<unsigned long long>(load.failed));
  std::printf("  %-28s %12lld events replayed: %s\n", "books balance", static_cast<long long>(events),
              problems == 0 ? "OK" : "FAILED");
  return problems == 0 ? 0 : 1;
}
