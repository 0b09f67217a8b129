#include "samples/order-inventory-payment/driver/driver.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "samples/order-inventory-payment/driver/instances.h"
#include "samples/order-inventory-payment/driver/invariants.h"
#include "samples/order-inventory-payment/driver/ledger.h"
#include "samples/order-inventory-payment/driver/summary.h"
#include "samples/order-inventory-payment/driver/worker_pool.h"
#include "samples/order-inventory-payment/driver/workload.h"
#include "samples/order-inventory-payment/sample_participants.h"
#include "samples/order-inventory-payment/seed.h"

namespace sagad::sample::driver {
namespace {

using Clock = std::chrono::steady_clock;

std::string AnswerText(const std::string& what, const HttpAnswer& a) {
  return what + " answered " + std::to_string(a.status) + ": " + a.body.dump();
}

// A POST that must be accepted (`created` also counts: a start over the API).
Status Expect(HttpClient& client, const std::string& target, const Json& body) {
  Result<HttpAnswer> answer = client.Post(target, body);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200 && answer->status != 201) return Status::Internal(AnswerText("POST " + target, *answer));
  return Status::Ok();
}

std::vector<std::string> Names(const Json& seed, const char* section) {
  std::vector<std::string> names;
  if (seed.contains(section)) {
    for (const auto& [name, _] : seed[section].items()) names.push_back(name);
  }
  return names;
}

class Driver {
 public:
  Driver(const DriverOptions& o, participants::HttpUrl server, StockReader stock)
      : o_(o),
        server_(std::move(server)),
        stock_(std::move(stock)),
        log_(o.json ? stderr : stdout),
        pool_(server_, o.concurrency, std::chrono::seconds(o.retry_for_s)),
        run_id_(o.run_id.empty() ? ClockRunId() : o.run_id) {}

  ExitCode Run() {
    Status ready = WaitReady();
    if (!ready.ok()) return Fail(ready);
    Status seeded = Seed();
    if (!seeded.ok()) return Fail(seeded.WithContext("seeding"));
    Result<Ledger> before = ReadLedger(pool_.first(), stock_, skus_, accounts_);
    if (!before.ok()) return Fail(before.status().WithContext("reading the baseline"));
    facts_.before = std::move(before).value();

    Workload work = MakeWorkload(run_id_, seed_view_, o_.orders, o_.transfers);
    std::fprintf(log_, "run %s: %zu orders and %zu transfers on %d connections to %s\n", run_id_.c_str(),
                 work.orders.size(), work.transfers.size(), o_.concurrency, server_.Origin().c_str());
    Status placed = Place(work);
    if (!placed.ok()) return Fail(placed.WithContext("placing orders"));
    Status finished = Finish();
    if (finished.Is(StatusCode::kDeadlineExceeded)) {
      std::fprintf(stderr, "sagad-sample-driver: %s after %d s\n", finished.message().c_str(), o_.timeout_s);
      PrintStillRunning(stderr, server_.Origin(), instances_);
      return kCouldNotRun;
    }
    if (!finished.ok()) return Fail(finished.WithContext("waiting for the sagas"));
    Status read = ReadResults(work);
    if (!read.ok()) return Fail(read.WithContext("reading the results"));

    Summary summary{server_.Origin(), run_id_, instances_, CheckInvariants(facts_), Notes(),
                    skus_.empty() ? "" : stock_.UrlOf(skus_.front())};
    if (o_.on_summary) o_.on_summary(summary);
    if (o_.json) {
      std::printf("%s\n", SummaryJson(summary).dump(2).c_str());
    } else {
      PrintSummary(stdout, summary);
    }
    return summary.ok() ? kAllHold : kInvariantFailed;
  }

 private:
  ExitCode Fail(const Status& s) {
    std::fprintf(stderr, "sagad-sample-driver: %s\n", s.ToString().c_str());
    return kCouldNotRun;
  }

  Status WaitReady() {
    auto deadline = Clock::now() + std::chrono::seconds(o_.ready_timeout_s);
    std::string last;
    while (Clock::now() < deadline) {
      Result<HttpAnswer> answer = pool_.first().Once("GET", "/readyz");
      if (answer.ok() && answer->status == 200) return Status::Ok();
      last = answer.ok() ? AnswerText("GET /readyz", *answer) : answer.status().message();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Status::Unavailable("sagad at " + server_.Origin() + " is not ready after " +
                               std::to_string(o_.ready_timeout_s) + " s: " + last);
  }

  // The seed's commands (applied once per store: their ids are fixed), then
  // stock topped up to the seed's levels for this run, so that a run on a
  // database earlier runs sold out still has something to sell.
  Status Seed() {
    std::ifstream in(o_.seed_path, std::ios::binary);
    if (!in) return Status::NotFound("cannot open the seed file " + o_.seed_path);
    std::stringstream text;
    text << in.rdbuf();
    Result<Json> seed = ParseJson(text.str());
    if (!seed.ok()) return seed.status().WithContext(o_.seed_path);
    Result<std::vector<Command>> commands = SeedCommands(*seed);
    if (!commands.ok()) return commands.status().WithContext(o_.seed_path);
    skus_ = Names(*seed, "stock");
    accounts_ = Names(*seed, "accounts");
    for (const std::string& sku : skus_) seed_view_.stock.emplace_back(sku, (*seed)["stock"][sku].get<std::int64_t>());
    for (const std::string& account : accounts_) {
      seed_view_.accounts.emplace_back(account, (*seed)["accounts"][account].get<std::int64_t>());
    }
    for (const Command& c : *commands) SAGAD_RETURN_IF_ERROR(Send(c));

    Result<Ledger> now = ReadLedger(pool_.first(), stock_, skus_, {});
    if (!now.ok()) return now.status();
    for (const std::string& sku : skus_) {
      std::int64_t missing = (*seed)["stock"][sku].get<std::int64_t>() - now->stock[sku].available;
      if (missing <= 0) continue;
      Command c{run_id_ + "/restock/" + sku, {"StockItem", sku}, "AddStock", {{"qty", missing}}, "", ""};
      SAGAD_RETURN_IF_ERROR(Send(c));
    }
    std::fprintf(log_, "seeded %zu SKUs and %zu accounts from %s; stock read from %s\n", skus_.size(),
                 accounts_.size(), o_.seed_path.c_str(), stock_.Source().c_str());
    return Status::Ok();
  }

  // A participant command over POST /v1/commands, to whichever sample
  // participant handles its type.
  Status Send(const Command& c) {
    static const auto kParticipants = MakeSampleParticipants();
    if (!kParticipants.ok()) return kParticipants.status();
    for (const participants::Participant& p : *kParticipants) {
      if (!p.RouteOf(c.type)) continue;
      return Expect(pool_.first(), "/v1/commands/" + p.name() + "/" + c.type,
                    Json{{"command_id", c.command_id}, {"target", c.target.id}, {"payload", c.payload}});
    }
    return Status::Internal("no sample participant handles " + c.type);
  }

  // A start sagad answered 200 or 201, told to the harness (if any).
  Status Started(Status expected, const std::string& instance_id) const {
    if (expected.ok() && o_.on_started) o_.on_started(instance_id);
    return expected;
  }

  Status Place(const Workload& work) {
    for (const OrderSpec& o : work.orders) {
      instances_.push_back({.id = OrderSagaId(o.order_id), .definition = "PlaceOrder"});
    }
    for (const TransferSpec& t : work.transfers) {
      instances_.push_back({.id = TransferSagaId(t.transfer_id), .definition = "TransferMoney"});
    }
    Progress progress(log_, "placing orders and starting transfers", work.sequence.size());
    return pool_.ForEach(
        work.sequence.size(),
        [&](HttpClient& client, std::size_t i) {
          std::size_t n = work.sequence[i];
          if (n < work.orders.size()) {
            const OrderSpec& o = work.orders[n];
            return Started(Expect(client, "/v1/commands/order/PlaceOrder",
                                  Json{{"command_id", "place/" + o.order_id},
                                       {"target", o.order_id},
                                       {"payload", {{"customer_id", o.customer_id}, {"sku", o.sku}, {"qty", o.qty},
                                                    {"total", o.total}}}}),
                           OrderSagaId(o.order_id));
          }
          const TransferSpec& t = work.transfers[n - work.orders.size()];
          return Started(Expect(client, "/v1/sagas/TransferMoney",
                                Json{{"transfer_id", t.transfer_id}, {"from", t.from}, {"to", t.to},
                                     {"amount", t.amount}}),
                         TransferSagaId(t.transfer_id));
        },
        &progress);
  }

  Status Finish() {
    Progress progress(log_, "waiting for every saga to finish", instances_.size());
    return WaitTerminal(pool_, instances_, Clock::now() + std::chrono::seconds(o_.timeout_s), progress);
  }

  Status ReadResults(const Workload& work) {
    std::vector<Order> orders(work.orders.size());
    {
      Progress progress(log_, "reading orders", orders.size());
      SAGAD_RETURN_IF_ERROR(pool_.ForEach(
          orders.size(),
          [&](HttpClient& client, std::size_t i) {
            Result<Order> order = ReadOrder(client, work.orders[i].order_id);
            if (!order.ok()) return order.status();
            orders[i] = std::move(order).value();
            return Status::Ok();
          },
          &progress));
    }
    for (std::size_t i = 0; i < orders.size(); ++i) facts_.order_states[work.orders[i].order_id] = orders[i];
    Result<Ledger> after = ReadLedger(pool_.first(), stock_, skus_, accounts_);
    if (!after.ok()) return after.status();
    facts_.after = std::move(after).value();
    facts_.orders = work.orders;
    facts_.transfers = work.transfers;
    for (const Instance& i : instances_) facts_.instances[i.id] = i;
    return Status::Ok();
  }

  std::vector<std::string> Notes() const {
    std::size_t approved = 0;
    for (const auto& [_, order] : facts_.order_states) approved += order.status == OrderStatus::kApproved;
    if (approved == 0 && !facts_.orders.empty()) {
      return {"no order was approved: earlier runs on this database may have spent the customers' money; "
              "start again from the seed with --reset (run-sample.sh) or a new store"};
    }
    // Orders got stock, yet sagad's store has no stock at all: the stock is
    // somewhere else, and the stock invariant just failed for that reason.
    bool no_stock_in_sagad = o_.inventory_url.empty() && approved > 0 &&
                             std::all_of(facts_.after.stock.begin(), facts_.after.stock.end(), [](const auto& s) {
                               return s.second.available == 0 && s.second.reservations.empty();
                             });
    if (no_stock_in_sagad) {
      return {"orders were approved but sagad stores no StockItem events: if it reaches the inventory over HTTP "
              "(--participant inventory=URL), pass the same URL as --inventory-url"};
    }
    return {};
  }

  const DriverOptions& o_;
  participants::HttpUrl server_;
  StockReader stock_;
  std::FILE* log_;
  WorkerPool pool_;
  std::string run_id_;
  std::vector<std::string> skus_;
  std::vector<std::string> accounts_;
  SeedView seed_view_;  // what the workload is made from
  std::vector<Instance> instances_;
  RunFacts facts_;
};

}  // namespace

std::string ClockRunId() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "r%Y%m%d-%H%M%S", &local);
  char id[40];
  std::snprintf(id, sizeof id, "%s-%03lld", text, static_cast<long long>(ms));
  return id;
}

ExitCode RunDriver(const DriverOptions& options) {
  Result<participants::HttpUrl> server = participants::ParseHttpUrl(options.server);
  if (!server.ok()) {
    std::fprintf(stderr, "sagad-sample-driver: --server: %s\n", server.status().message().c_str());
    return kCouldNotRun;
  }
  StockReader stock;
  if (!options.inventory_url.empty()) {
    Result<participants::HttpUrl> inventory = participants::ParseHttpUrl(options.inventory_url);
    if (!inventory.ok()) {
      std::fprintf(stderr, "sagad-sample-driver: --inventory-url: %s\n", inventory.status().message().c_str());
      return kCouldNotRun;
    }
    stock = StockReader(*inventory);
  }
  return Driver(options, std::move(server).value(), std::move(stock)).Run();
}

}  // namespace sagad::sample::driver
