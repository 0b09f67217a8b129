// sagad-sample-driver: runs the order/inventory/payment sample against a
// running sagad and checks its invariants. Flags only; the run is driver.cc.
#include <CLI/CLI.hpp>

#include "samples/order-inventory-payment/driver/driver.h"

int main(int argc, char** argv) {
  sagad::sample::driver::DriverOptions o;
  o.seed_path = SAGAD_SAMPLE_SEED;
  CLI::App app{
      "sagad-sample-driver: seeds a running sagad from the sample's seed file, places orders and starts transfers, "
      "waits until every saga is terminal, then checks the sample's invariants and prints a summary.\n"
      "Exit status: 0 every invariant holds, 1 one failed, 2 sagad unreachable, refused a request, or timed out."};
  app.add_option("--server", o.server, "sagad's base URL")->capture_default_str();
  app.add_option("--inventory-url", o.inventory_url,
                 "the inventory participant's base URL, when sagad runs with --participant inventory=URL: stock is "
                 "read from its GET URL/stock/SKU (default: from sagad's StockItem events, inventory in-process)");
  app.add_option("--orders", o.orders, "orders to place")->capture_default_str();
  app.add_option("--transfers", o.transfers, "TransferMoney transactions to start")->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "keep-alive connections (one thread each)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--seed", o.seed_path, "seed file: stock levels and opening balances")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  app.add_option("--run-id", o.run_id,
                 "prefix of this run's order and transfer ids (default: from the clock, so each run is new)");
  app.add_option("--ready-timeout", o.ready_timeout_s, "seconds to wait for sagad's /readyz")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", o.timeout_s, "seconds to wait for every saga to finish")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--retry-for", o.retry_for_s,
                 "seconds one request is sent again while sagad cannot be reached or answers 503 (a restart)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", o.json, "print the summary as JSON (progress goes to stderr)");
  CLI11_PARSE(app, argc, argv);
  return sagad::sample::driver::RunDriver(o);
}
