// sagad: the saga/TCC coordinator server. Wiring only (sagad_server.cc);
// this file reads flags, waits for SIGINT/SIGTERM and shuts down cleanly.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>

#include "apps/sagad/http_limit_flags.h"
#include "apps/sagad/open_file_limit.h"
#include "apps/sagad/sagad_server.h"

int main(int argc, char** argv) {
  sagad::app::SagadConfig config;
  std::vector<std::string> participants;
  std::string log_level = "info";
  CLI::App app{
      "sagad: runs sagas and TCC transactions defined in .saga files, with every decision recorded as an event.\n"
      "Example: sagad --store sqlite:./data/sagad.db --definitions samples/order-inventory-payment/sagas"};
  app.add_option("--store", config.store_url,
                 "event store: sqlite:PATH[?synchronous=full|normal|off] or memory: (lost on exit)")
      ->capture_default_str();
  app.add_option("--definitions", config.definitions_dir, "directory of .saga files (watched for new versions)")
      ->capture_default_str();
  app.add_option("--listen", config.listen, "HTTP API address HOST:PORT (port 0: any free port)")->capture_default_str();
  app.add_option("--participant", participants,
                 "NAME=inproc | NAME=http://HOST:PORT/PATH | NAME=kafka, once per participant; none given: the "
                 "built-in sample participants (inventory, payment, order) in-process");
  app.add_option("--shards", config.shards, "threads that run aggregates (0: one per core)")->check(CLI::Range(0, 256));
  app.add_option("--watch-interval-ms", config.watch_interval_ms, "how often to rescan --definitions (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cache-per-shard", config.cache_per_shard,
                 "aggregates (saga instances, participants' entities) kept in memory per shard, least recently "
                 "used evicted and reloaded from the store on their next command: what bounds sagad's memory "
                 "(about 9 KB per finished sample order)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-in-flight", config.max_in_flight,
                 "starts are refused with 503 and Retry-After while this many engine commands and participant "
                 "calls are in flight (load shedding: bounded queues, memory and latency); after a restart, "
                 "outstanding commands are resent at most half as many at once (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--admin-token", config.admin_token, "bearer token required by mutating API routes")
      ->envname("SAGAD_ADMIN_TOKEN");
  sagad::app::AddHttpLimitFlags(app, config.http_limits);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  auto flags = sagad::app::ParseParticipantFlags(participants);
  if (!flags.ok()) {
    std::cerr << "sagad: " << flags.status().message() << "\n";
    return 2;
  }
  config.participants = std::move(flags).value();
  config.http_limits.max_connections = sagad::app::FitConnectionCapToOpenFiles(config.http_limits.max_connections);

  // Signals are taken by sigwait below, not by whichever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = sagad::app::SagadServer::Start(config);
  if (!server.ok()) {
    std::cerr << "sagad: " << server.status().ToString() << "\n";
    return 2;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("sagad: {} received, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Stop();
  return 0;
}
