// Benchmarks of the saga engine (JSON lines on stdout, see run.sh).
//
//   saga.engine.sagas_per_s            3-step sagas, instant participants that
//                                      answer inside Send, in-memory store:
//                                      the engine's own ceiling
//   saga.engine.step_transitions_per_s participant replies turned into saga
//                                      transitions per second, same run
//   saga.embedded.sagas_per_s          the sample's PlaceOrder end to end: orders
//                                      placed on the Order aggregate start sagas
//                                      (start on order.OrderPlaced), participants
//                                      in-process, SQLite synchronous=FULL
//   saga.embedded.p99_ms               order placed -> saga terminal, same run
//   saga.embedded.ratio_vs_baseline    against the same run with group commit
//                                      off (one store transaction per command)
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "bench/bench_util.h"
#include "coordinator/definition_directory.h"
#include "coordinator/engine.h"
#include "coordinator/register.h"
#include "core/store/memory/memory_event_store.h"
#include "participants/sdk/in_process_transport.h"
#include "samples/order-inventory-payment/sample_participants.h"

namespace sagad::bench {
namespace {

using coordinator::Reply;

constexpr char kThreeSteps[] = R"(
saga Checkout {
  key $.id
  step reserve {
    send shop.Reserve to $.id { qty: 1 }
    success shop.Reserved
    compensate shop.Release to $.id { }
  }
  step charge {
    send shop.Charge to $.id { amount: 5 }
    success shop.Charged
    compensate shop.Refund to $.id { }
  }
  step ship {
    send shop.Ship to $.id { }
    success shop.Shipped
  }
}
)";

// Answers every command at once with success; counts the last steps.
class InstantParticipant final : public coordinator::Transport {
 public:
  void Send(const coordinator::OutgoingCommand& command, coordinator::ReplyCallback reply) override {
    reply(Reply{Reply::Outcome::kSuccess, "", Json::object(), ""});
    if (command.command_type == "Ship") {
      std::lock_guard lock(mu_);
      shipped_++;
      cv_.notify_all();
    }
  }
  // Waits until fewer than `window` sagas are between start and last step.
  void WaitForRoom(std::uint64_t started, std::uint64_t window) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return started - shipped_ < window; });
  }
  std::uint64_t shipped() {
    std::lock_guard lock(mu_);
    return shipped_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t shipped_ = 0;
};

void EngineCeiling(bool quick) {
  const std::uint64_t total = quick ? 100'000 : 400'000;
  const std::uint64_t window = quick ? 1024 : 8192;
  coordinator::DefinitionCatalog catalog;
  Status added = catalog.AddSource(kThreeSteps, "checkout.saga");
  if (!added.ok()) throw std::runtime_error(added.ToString());
  AggregateRegistry registry;
  Status registered = coordinator::RegisterCoordinatorAggregates(registry, &catalog);
  if (!registered.ok()) throw std::runtime_error(registered.ToString());
  MemoryEventStore store;
  RuntimeOptions runtime_options;
  runtime_options.snapshot_every = 0;
  auto runtime = AggregateRuntime::Start(&store, &registry, runtime_options);
  if (!runtime.ok()) throw std::runtime_error(runtime.status().ToString());
  auto participant = std::make_shared<InstantParticipant>();
  coordinator::EngineOptions options;
  options.transports["shop"] = participant;
  auto engine = coordinator::Engine::Start(runtime->get(), &catalog, options);
  if (!engine.ok()) throw std::runtime_error(engine.status().ToString());

  std::atomic<std::uint64_t> failed_starts{0};
  auto started_at = Clock::now();
  for (std::uint64_t i = 0; i < total; ++i) {
    participant->WaitForRoom(i, window);
    (*engine)->StartInstance(coordinator::StartSpec{"Checkout", std::nullopt, Json{{"id", "c-" + std::to_string(i)}}, ""},
                             [&](Result<coordinator::Started> r) {
                               if (!r.ok()) failed_starts++;
                             });
  }
  if (!(*engine)->WaitIdle(600'000)) throw std::runtime_error("engine did not settle");
  double seconds = SecondsSince(started_at);
  coordinator::EngineStats stats = (*engine)->Stats();
  RuntimeStats runtime_stats = (*runtime)->Stats();
  (*engine)->Stop();
  (*runtime)->Stop();
  if (participant->shipped() != total || failed_starts > 0) {
    throw std::runtime_error("only " + std::to_string(participant->shipped()) + " of " + std::to_string(total) +
                             " sagas finished");
  }
  Json extra = {{"sagas", total},
                {"seconds", seconds},
                {"window", window},
                {"runtime_commands", runtime_stats.commands_committed},
                {"mean_batch", runtime_stats.mean_batch()}};
  Report("saga.engine.sagas_per_s", static_cast<double>(total) / seconds, "sagas/s", extra);
  Report("saga.engine.step_transitions_per_s", static_cast<double>(stats.replies) / seconds, "transitions/s",
         {{"replies", stats.replies}});
}

// Forwards to the order participant and notes when each saga's last
// command (ApproveOrder or RejectOrder) was answered: the order's end.
class OrderEndWatch final : public coordinator::Transport {
 public:
  explicit OrderEndWatch(std::shared_ptr<coordinator::Transport> inner) : inner_(std::move(inner)) {}
  void Send(const coordinator::OutgoingCommand& command, coordinator::ReplyCallback reply) override {
    bool last = command.command_type == "ApproveOrder" || command.command_type == "RejectOrder";
    std::string order = command.target;
    inner_->Send(command, [this, last, order, reply = std::move(reply)](Reply r) {
      reply(r);
      if (last) Finished(order);
    });
  }
  void Stop() override { inner_->Stop(); }

  void Placed(std::size_t index) {
    std::lock_guard lock(mu_);
    placed_at_[index] = Clock::now();
  }
  void WaitForRoom(std::uint64_t placed, std::uint64_t window) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return placed - finished_ < window; });
  }
  bool WaitAll(std::uint64_t total, std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return finished_ >= total; });
  }
  std::vector<std::int64_t> LatenciesMicros() {
    std::lock_guard lock(mu_);
    return latencies_;
  }
  explicit operator bool() const { return inner_ != nullptr; }

 private:
  void Finished(const std::string& order) {
    std::size_t index = std::stoul(order.substr(order.rfind('-') + 1));
    std::lock_guard lock(mu_);
    if (!done_.insert(index).second) return;  // a final command answered twice
    latencies_.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - placed_at_[index]).count());
    finished_++;
    cv_.notify_all();
  }

  std::shared_ptr<coordinator::Transport> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::size_t, Clock::time_point> placed_at_;
  std::set<std::size_t> done_;
  std::vector<std::int64_t> latencies_;
  std::uint64_t finished_ = 0;
};

struct EmbeddedRun {
  double sagas_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_batch = 0;
};

// The sample end to end on SQLite: seed 1,000 SKUs and customers with plenty
// (so orders spread over many aggregates and complete), place `total`
// orders with at most `window` unfinished, wait for every saga's end.
EmbeddedRun Embedded(std::uint64_t total, std::uint64_t window, bool group_commit) {
  constexpr int kItems = 1000;
  TempDir dir("embedded");
  auto store = OpenEventStore("sqlite:" + dir.File("sagad.db"));
  if (!store.ok()) throw std::runtime_error(store.status().ToString());
  coordinator::DefinitionCatalog catalog;
  coordinator::DefinitionDirectory sagas(SAGAD_SOURCE_DIR "/samples/order-inventory-payment/sagas", &catalog, nullptr);
  coordinator::ScanReport scan = sagas.Scan();
  if (!scan.errors.empty()) throw std::runtime_error(scan.errors.front());
  AggregateRegistry registry;
  Status s = coordinator::RegisterCoordinatorAggregates(registry, &catalog);
  auto participants = sample::MakeSampleParticipants();
  if (!s.ok() || !participants.ok()) throw std::runtime_error("cannot register the sample");
  std::map<std::string, std::string> participant_of_type;
  for (const auto& p : *participants) {
    s = p.RegisterInto(registry);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    for (const std::string& c : p.Commands()) participant_of_type[*p.RouteOf(c)] = p.name();
  }
  RuntimeOptions runtime_options;
  runtime_options.group_commit = group_commit;
  auto runtime = AggregateRuntime::Start(store->get(), &registry, runtime_options);
  if (!runtime.ok()) throw std::runtime_error(runtime.status().ToString());

  coordinator::EngineOptions options;
  std::shared_ptr<OrderEndWatch> watch;
  for (const auto& p : *participants) {
    auto transport = std::make_shared<participants::InProcessTransport>(p, runtime->get());
    if (p.name() == "order") {
      watch = std::make_shared<OrderEndWatch>(transport);
      options.transports[p.name()] = watch;
    } else {
      options.transports[p.name()] = transport;
    }
  }
  options.participant_of_type = participant_of_type;
  auto engine = coordinator::Engine::Start(runtime->get(), &catalog, options);
  if (!engine.ok()) throw std::runtime_error(engine.status().ToString());
  s = (*engine)->SubscribeStartEvents();
  if (!s.ok()) throw std::runtime_error(s.ToString());

  auto send = [&](Command c) {
    CommandResult r = (*runtime)->Send(std::move(c)).get();
    if (!r.status.ok()) throw std::runtime_error(r.status.ToString());
  };
  for (int i = 0; i < kItems; ++i) {
    send(Command{"seed/stock/" + std::to_string(i), {"StockItem", "sku-" + std::to_string(i)}, "AddStock",
                 Json{{"qty", 1'000'000}}});
    send(Command{"seed/account/" + std::to_string(i), {"Account", "c-" + std::to_string(i)}, "OpenAccount",
                 Json{{"balance", 1'000'000'000}}});
  }

  auto started = Clock::now();
  for (std::uint64_t i = 0; i < total; ++i) {
    watch->WaitForRoom(i, window);
    watch->Placed(i);
    Command place{"place/" + std::to_string(i), {"Order", "o-" + std::to_string(i)}, "PlaceOrder",
                  Json{{"customer_id", "c-" + std::to_string(i % kItems)},
                       {"sku", "sku-" + std::to_string((i * 7) % kItems)},
                       {"qty", 1},
                       {"total", 100}}};
    (*runtime)->Send(std::move(place), [](CommandResult r) {
      if (!r.status.ok()) spdlog::error("PlaceOrder: {}", r.status.ToString());
    });
  }
  if (!watch->WaitAll(total, std::chrono::seconds(900))) throw std::runtime_error("sagas did not finish");
  EmbeddedRun run;
  run.sagas_per_s = static_cast<double>(total) / SecondsSince(started);
  std::vector<std::int64_t> latencies = watch->LatenciesMicros();
  run.p50_ms = PercentileMs(latencies, 50);
  run.p99_ms = PercentileMs(latencies, 99);
  run.mean_batch = (*runtime)->Stats().mean_batch();
  (*engine)->Stop();
  for (auto& [name, transport] : options.transports) transport->Stop();
  (*runtime)->Stop();
  return run;
}

void EmbeddedSample(bool quick) {
  EmbeddedRun grouped = Embedded(quick ? 20'000 : 100'000, 4'096, true);
  EmbeddedRun baseline = Embedded(quick ? 200 : 500, 64, false);
  Report("saga.embedded.sagas_per_s", grouped.sagas_per_s, "sagas/s",
         {{"mean_batch", grouped.mean_batch}, {"store", "sqlite synchronous=FULL"}});
  Report("saga.embedded.p99_ms", grouped.p99_ms, "ms", {{"p50_ms", grouped.p50_ms}, {"window", 4096}});
  Report("saga.embedded.ratio_vs_baseline", grouped.sagas_per_s / baseline.sagas_per_s, "x",
         {{"baseline_sagas_per_s", baseline.sagas_per_s}, {"baseline", "group commit off, same store"}});
}

}  // namespace
}  // namespace sagad::bench

int main(int argc, char** argv) {
  CLI::App app{"Benchmarks of the sagad saga engine (JSON lines on stdout)"};
  bool quick = false;
  std::vector<std::string> only;
  app.add_flag("--quick", quick, "smaller runs");
  app.add_option("--only", only, "run only these: engine, embedded");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  try {
    if (wanted("engine")) sagad::bench::EngineCeiling(quick);
    if (wanted("embedded")) sagad::bench::EmbeddedSample(quick);
  } catch (const std::exception& e) {
    std::cerr << "saga_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
