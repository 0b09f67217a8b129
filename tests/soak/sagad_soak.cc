// sagad_soak: the real sagad under steady load for a while; fails if its
// memory or open files keep growing, its start latency drifts, a saga does
// not end or it does not stop cleanly. Flags only; the run is soak_run.cc.
#include <CLI/CLI.hpp>

#include "tests/soak/soak_run.h"

int main(int argc, char** argv) {
  sagad::soak::SoakOptions o{.sagad = SAGAD_BINARY, .definitions = SAGAD_SAMPLE_SAGAS, .sample_seed = SAGAD_SAMPLE_SEED};
  CLI::App app{
      "sagad_soak: starts the real sagad on a new SQLite store, seeds it like the sample and, for --seconds, places "
      "orders and starts transfers over HTTP at a fixed rate (open loop: latency counts from when a start was due). "
      "Once a second it samples sagad's RSS, open file descriptors and the p50/p99 of the starts answered. Then "
      "every saga must end and sagad must exit 0 on SIGTERM, and the last quarter of the run is compared with the "
      "second: memory may not grow by more than --rss-bytes-per-start per start, open descriptors by more than "
      "--fd-growth, p99 by more than --p99-ratio (p99 under --p99-floor-ms always passes).\n"
      "Exit status: 0 steady, 1 not (each reason printed), 2 the run could not be made."};
  app.add_option("--seconds", o.seconds, "how long the load runs")->capture_default_str()->check(CLI::Range(8, 86400));
  app.add_option("--rate", o.rate, "starts per second (about 10% of them transfers)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  app.add_option("--connections", o.connections, "keep-alive connections the starts share")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  app.add_option("--end-limit", o.end_limit_s, "seconds for the started sagas to end after the load")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--rss-bytes-per-start", o.limits.rss_bytes_per_start,
                 "memory growth allowed per start between the second and the last quarter")
      ->capture_default_str();
  app.add_option("--fd-growth", o.limits.fd_growth, "open descriptors allowed to be added")->capture_default_str();
  app.add_option("--p99-ratio", o.limits.p99_ratio, "last quarter's p99 / second quarter's p99 allowed")
      ->capture_default_str();
  app.add_option("--p99-floor-ms", o.limits.p99_floor_ms, "a p99 under this passes whatever the ratio")
      ->capture_default_str();
  app.add_flag("--verbose", o.verbose, "print every one-second window: starts, p50/p99, RSS, open descriptors");
  app.add_option("--sagad-flag", o.sagad_flags,
                 "a flag for sagad, its value as the next --sagad-flag (e.g. --sagad-flag=--cache-per-shard "
                 "--sagad-flag=2000)");
  app.add_flag("--overload", o.overload,
               "offer more than sagad can take: a 503 start is load shed (counted, not resent, no saga to wait for), "
               "not a failure; the summary adds shed= and admitted_per_s=");
  app.add_flag("--keep", o.keep, "keep the store and sagad's log (their directory is printed)");
  CLI11_PARSE(app, argc, argv);
  return sagad::soak::RunSoak(o);
}
