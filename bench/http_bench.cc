// Benchmarks of the HTTP API (issue #7) against a whole sagad in-process:
// SQLite synchronous=FULL in a temporary directory, the sample's definitions
// and in-process participants, 127.0.0.1 on a free port; a load client
// (bench/http_load.h) with 64 keep-alive connections on loopback. JSON
// lines on stdout, see run.sh.
//
//   http.get_saga.req_per_s    GET /v1/sagas/{id} over random ids among N
//                              existing TransferMoney instances (all ended);
//                              healthz_req_per_s: the same client on GET
//                              /healthz, the HTTP stack's own ceiling
//   http.start_saga.req_per_s  POST /v1/sagas/TransferMoney with distinct
//                              keys: each 201 is sent after SagaStarted is
//                              committed (fsync'ed); the started sagas keep
//                              running during the window, as in production
//                              (ended_by_window_end: how many had ended)
//
// Any answer other than the expected status fails the run.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <random>
#include <thread>

#include "apps/sagad/sagad_server.h"
#include "bench/bench_util.h"
#include "bench/http_load.h"

namespace sagad::bench {
namespace {

constexpr int kConnections = 64;

struct Sagad {
  TempDir dir{"http"};
  std::unique_ptr<app::SagadServer> server;
  std::uint16_t port() const { return static_cast<std::uint16_t>(server->port()); }
};

std::unique_ptr<Sagad> StartSagad() {
  auto s = std::make_unique<Sagad>();
  app::SagadConfig config;
  config.store_url = "sqlite:" + s->dir.File("sagad.db") + "?synchronous=full";
  config.definitions_dir = SAGAD_SOURCE_DIR "/samples/order-inventory-payment/sagas";
  config.listen = "127.0.0.1:0";
  config.watch_interval_ms = 0;
  auto server = app::SagadServer::Start(config);
  if (!server.ok()) throw std::runtime_error(server.status().ToString());
  s->server = std::move(server).value();
  return s;
}

// Accounts that were never opened refuse the tries, so each transfer ends
// CANCELLED after four quick participant calls; every transfer has its own
// pair, so no account is a hot spot.
LoadRequest StartTransfer(const std::string& key) {
  Json input = {{"transfer_id", key}, {"from", "a-" + key}, {"to", "b-" + key}, {"amount", 1}};
  return {"POST", "/v1/sagas/TransferMoney", input.dump()};
}

void FailUnlessAll(const LoadResult& r, int expected, const std::string& what) {
  if (std::uint64_t bad = r.Unexpected(expected); bad > 0) {
    throw std::runtime_error(what + ": " + std::to_string(bad) + " of " + std::to_string(r.requests) +
                             " answers were not " + std::to_string(expected) + "; first: " + r.first_unexpected);
  }
}

Json Latency(LoadResult& r) {
  return {{"p50_ms", PercentileMs(r.latencies_us, 50)},
          {"p99_ms", PercentileMs(r.latencies_us, 99)},
          {"requests", r.requests},
          {"seconds", r.seconds},
          {"connections", kConnections}};
}

double MetricValue(const std::string& exposition, const std::string& name) {
  std::size_t at = exposition.find("\n" + name + " ");
  if (at == std::string::npos) throw std::runtime_error("/metrics has no " + name);
  return std::stod(exposition.substr(at + name.size() + 2));
}

// Until nothing is in flight in the engine or queued in the runtime (twice
// in a row: a reply can be between the two): GETs then measure the API, not
// the API competing with sagas still running.
void WaitSettled(std::uint16_t port) {
  int quiet = 0;
  for (auto start = Clock::now(); quiet < 2; std::this_thread::sleep_for(std::chrono::milliseconds(200))) {
    if (SecondsSince(start) > 300) throw std::runtime_error("the sagas did not settle within 300 s");
    std::string metrics = FetchOrThrow(port, "/metrics");
    bool idle = MetricValue(metrics, "sagad_engine_in_flight") == 0 && MetricValue(metrics, "sagad_runtime_queued") == 0;
    quiet = idle ? quiet + 1 : 0;
  }
}

// One measured window; every answer must be `expected`.
LoadResult Measure(const Sagad& sagad, std::chrono::seconds duration, const NextRequest& next, int expected,
                   const std::string& what) {
  LoadResult r = RunLoad({.port = sagad.port(), .connections = kConnections, .duration = duration}, next, expected);
  FailUnlessAll(r, expected, what);
  return r;
}

void GetSaga(bool quick) {
  const std::uint64_t sagas = quick ? 20'000 : 100'000;
  const std::chrono::seconds duration(quick ? 5 : 20);
  auto sagad = StartSagad();
  std::vector<std::string> ids;
  ids.reserve(sagas);
  auto created = Clock::now();
  LoadResult starts = RunLoad(
      {.port = sagad->port(), .connections = kConnections, .total = sagas},
      [](std::uint64_t n) { return StartTransfer("g-" + std::to_string(n)); }, 201,
      [&](int, const std::string& body) { ids.push_back(Json::parse(body).at("id").get<std::string>()); });
  FailUnlessAll(starts, 201, "creating the sagas");
  WaitSettled(sagad->port());
  double setup_seconds = SecondsSince(created);

  std::cerr << "http_bench: " << sagas << " sagas in " << setup_seconds << " s; measuring GET" << std::endl;
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
  LoadResult r = Measure(
      *sagad, duration, [&](std::uint64_t) { return LoadRequest{"GET", "/v1/sagas/" + ids[pick(random)], ""}; }, 200,
      "GET /v1/sagas/{id}");
  // The same client against a route that does no work: what the HTTP stack
  // (server, client and loopback on the same 2 cores) allows at most.
  LoadResult ceiling = Measure(
      *sagad, std::chrono::seconds(5), [](std::uint64_t) { return LoadRequest{"GET", "/healthz", ""}; }, 200, "GET /healthz");
  Json extra = Latency(r);
  extra["sagas"] = sagas;
  extra["setup_seconds"] = setup_seconds;
  extra["healthz_req_per_s"] = static_cast<double>(ceiling.requests) / ceiling.seconds;
  extra["store"] = "sqlite synchronous=FULL";
  Report("http.get_saga.req_per_s", static_cast<double>(r.requests) / r.seconds, "req/s", extra);
  sagad->server->Stop();
}

void StartSaga(bool quick) {
  auto sagad = StartSagad();
  LoadResult r = Measure(
      *sagad, std::chrono::seconds(quick ? 5 : 20),
      [](std::uint64_t n) { return StartTransfer("s-" + std::to_string(n)); }, 201, "POST /v1/sagas/TransferMoney");
  // How many had ended when the window closed: whether the engine kept up
  // with the starts or they piled up behind the API.
  std::string metrics = FetchOrThrow(sagad->port(), "/metrics");
  Json extra = Latency(r);
  extra["ended_by_window_end"] =
      static_cast<std::int64_t>(MetricValue(metrics, "sagad_sagas_compensated_total{definition=\"TransferMoney\"}"));
  extra["store"] = "sqlite synchronous=FULL";
  extra["durable"] = "201 after SagaStarted is committed";
  Report("http.start_saga.req_per_s", static_cast<double>(r.requests) / r.seconds, "req/s", extra);
  sagad->server->Stop();
}

}  // namespace
}  // namespace sagad::bench

int main(int argc, char** argv) {
  CLI::App app{"Benchmarks of the sagad HTTP API (JSON lines on stdout)"};
  bool quick = false;
  std::vector<std::string> only;
  app.add_flag("--quick", quick, "smaller runs");
  app.add_option("--only", only, "run only these: get, start");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  try {
    if (wanted("get")) sagad::bench::GetSaga(quick);
    if (wanted("start")) sagad::bench::StartSaga(quick);
  } catch (const std::exception& e) {
    std::cerr << "http_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
