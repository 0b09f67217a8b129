// Benchmarks of the saga engine (JSON lines on stdout, see run.sh).
//
//   saga.engine.sagas_per_s            3-step sagas, instant participants that
//                                      answer inside Send, in-memory store:
//                                      the engine's own ceiling
//   saga.engine.step_transitions_per_s participant replies turned into saga
//                                      transitions per second, same run
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "bench/bench_util.h"
#include "coordinator/engine.h"
#include "coordinator/register.h"
#include "core/store/memory/memory_event_store.h"

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

}  // namespace
}  // namespace sagad::bench

int main(int argc, char** argv) {
  CLI::App app{"Benchmarks of the sagad saga engine (JSON lines on stdout)"};
  bool quick = false;
  std::vector<std::string> only;
  app.add_flag("--quick", quick, "smaller runs");
  app.add_option("--only", only, "run only these: engine");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  try {
    if (wanted("engine")) sagad::bench::EngineCeiling(quick);
  } catch (const std::exception& e) {
    std::cerr << "saga_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
