// sample_crash: the crash suite of the whole product (tests/README.md, "The
// crash suite"). Flags only; the run is crash_run.cc.
#include <CLI/CLI.hpp>

#include <random>

#include "tests/crash/crash_run.h"

int main(int argc, char** argv) {
  sagad::crash::CrashRunOptions o;
  o.sagad = SAGAD_BINARY;
  o.definitions = SAGAD_SAMPLE_SAGAS;
  o.sample_seed = SAGAD_SAMPLE_SEED;
  o.python = SAGAD_PYTHON;
  o.seed = std::random_device{}();
  std::string inventory_participant = SAGAD_INVENTORY_PARTICIPANT;
  bool http_inventory = false;

  CLI::App app{
      "sample_crash: runs the order/inventory/payment sample under load through sagad's REST API, SIGKILLs (and "
      "with --pauses SIGSTOPs) the real sagad at random moments and restarts it on the same SQLite store, then "
      "checks that every saga ended, the sample's invariants, every stream's versions and command ids, and that "
      "every acknowledged start exists. Prints 'crash: kills=K sagas=S events=E violations=V'.\n"
      "Exit status: 0 no violation, 1 violations (each printed, with the sagas' histories), 2 the run could not be "
      "made."};
  app.add_option("--kills", o.kills, "SIGKILLs of sagad, each followed by a restart")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pauses", o.pauses, "SIGSTOP/SIGCONT pauses of sagad")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pause-min-ms", o.pause.min,
                 "shortest pause (the sample's timeouts: reserve_stock 5 s, the "
                 "transfer 10 s, the other steps 30 s)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pause-max-ms", o.pause.max, "longest pause")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--orders", o.orders, "orders to place")->capture_default_str();
  app.add_option("--transfers", o.transfers, "TransferMoney transactions to start")->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "the driver's connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--seed", o.seed,
                 "seed of the disruption plan, the run id and the participant's faults (default: "
                 "random, printed)");
  app.add_option("--timeout", o.timeout_s, "seconds for every saga to end after the last start")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--http-inventory", http_inventory,
               "the inventory as the Python example participant over HTTP (payment and order in-process)");
  app.add_option("--lose-replies", o.lose_replies, "with --http-inventory: the share of replies it loses")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--python", o.python, "the Python interpreter")->capture_default_str();
  app.add_option("--inventory-participant", inventory_participant, "the participant's script")->capture_default_str();
  app.add_option("--sagad", o.sagad, "the sagad binary")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--definitions", o.definitions, "the sample's .saga directory")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  app.add_option("--sample-seed", o.sample_seed, "the sample's seed file (stock and accounts)")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  app.add_flag("--keep", o.keep, "keep the store and the logs (their directory is printed)");
  CLI11_PARSE(app, argc, argv);
  if (o.pause.max < o.pause.min) o.pause.max = o.pause.min;
  if (http_inventory) o.inventory_participant = inventory_participant;
  return sagad::crash::RunCrashSuite(o);
}
