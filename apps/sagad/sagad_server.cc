#include "apps/sagad/sagad_server.h"

#include "apps/sagad/saga_metrics.h"

#include <spdlog/spdlog.h>

#include <map>

#include "coordinator/definition_archive.h"
#include "coordinator/definition_catalog.h"
#include "coordinator/definition_directory.h"
#include "coordinator/engine.h"
#include "coordinator/register.h"
#include "core/runtime/aggregate_runtime.h"
#include "core/store/event_store.h"
#include "http-api/dashboard_routes.h"
#include "http-api/http_server.h"
#include "http-api/metrics/registry.h"
#include "http-api/ops_routes.h"
#include "http-api/openapi_route.h"
#include "http-api/saga_routes.h"
#include "participants/http/http_transport.h"
#include "participants/sdk/in_process_transport.h"
#include "samples/order-inventory-payment/sample_participants.h"

namespace sagad::app {

class SagadServer::Impl {
 public:
  Status Start(const SagadConfig& config) {
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(config.store_url);
    if (!store.ok()) return store.status().WithContext("opening the store " + config.store_url);
    store_ = std::move(store).value();

    SAGAD_RETURN_IF_ERROR(LoadDefinitions(config));
    SAGAD_RETURN_IF_ERROR(coordinator::RegisterCoordinatorAggregates(registry_, &catalog_));
    std::vector<ParticipantFlag> wanted = config.participants;
    SAGAD_RETURN_IF_ERROR(RegisterInProcessParticipants(wanted));

    saga_metrics_ = std::make_unique<SagaMetrics>(metrics_);
    RuntimeOptions runtime_options;
    if (config.shards > 0) runtime_options.shards = config.shards;
    runtime_options.cache_capacity_per_shard = config.cache_per_shard;
    runtime_options.on_batch = [m = saga_metrics_.get()](std::size_t n, std::int64_t us) { m->OnBatch(n, us); };
    Result<std::unique_ptr<AggregateRuntime>> runtime = AggregateRuntime::Start(store_.get(), &registry_, runtime_options);
    if (!runtime.ok()) return runtime.status();
    runtime_ = std::move(runtime).value();

    SAGAD_RETURN_IF_ERROR(ConnectTransports(wanted));
    coordinator::EngineOptions engine_options;
    engine_options.transports = transports_;
    engine_options.participant_of_type = participant_of_type_;
    engine_options.max_in_flight = config.max_in_flight;
    engine_options.recovery_window = config.max_in_flight / 2;
    engine_options.on_committed = [m = saga_metrics_.get()](const StreamId& instance, const std::vector<Event>& events) {
      m->OnCommitted(instance, events);
    };
    Result<std::unique_ptr<coordinator::Engine>> engine =
        coordinator::Engine::Start(runtime_.get(), &catalog_, engine_options);
    if (!engine.ok()) return engine.status();
    engine_ = std::move(engine).value();
    Result<std::size_t> resumed = engine_->Recover();
    if (!resumed.ok()) return resumed.status().WithContext("recovering unfinished instances");
    spdlog::info("recovery done: {} unfinished instances resumed", *resumed);
    SAGAD_RETURN_IF_ERROR(engine_->SubscribeStartEvents());
    if (directory_ && config.watch_interval_ms > 0) directory_->Watch(config.watch_interval_ms);

    return StartHttp(config);
  }

  void Stop() {
    if (stopped_) return;
    stopped_ = true;
    if (http_) http_->Stop();
    if (directory_) directory_->StopWatching();
    if (engine_) engine_->Stop();
    for (auto& [name, transport] : transports_) transport->Stop();
    if (runtime_) runtime_->Stop();
    spdlog::info("sagad stopped");
  }

  int port() const { return http_ ? http_->port() : 0; }

 private:
  Status LoadDefinitions(const SagadConfig& config) {
    archive_ = std::make_unique<coordinator::DefinitionArchive>(store_.get());
    Result<std::size_t> archived = archive_->LoadInto(catalog_);
    if (!archived.ok()) return archived.status();
    directory_ = std::make_unique<coordinator::DefinitionDirectory>(config.definitions_dir, &catalog_, archive_.get());
    SAGAD_RETURN_IF_ERROR(directory_->Check());
    coordinator::ScanReport report = directory_->Scan();
    for (const std::string& loaded : report.loaded) spdlog::info("definitions: loaded {}", loaded);
    for (const std::string& error : report.errors) spdlog::error("definitions: {}", error);
    spdlog::info("definitions: {} files in {}, {} definitions known ({} from the store)", report.files,
                 config.definitions_dir, catalog_.List().size(), *archived);
    return Status::Ok();
  }

  // The participants compiled into sagad (the sample's) that the flags ask
  // for in-process; with no flags, all of them.
  Status RegisterInProcessParticipants(std::vector<ParticipantFlag>& wanted) {
    Result<std::vector<participants::Participant>> builtin = sample::MakeSampleParticipants();
    if (!builtin.ok()) return builtin.status();
    if (wanted.empty()) {
      for (const auto& p : *builtin) wanted.push_back({p.name(), ParticipantFlag::Kind::kInProcess, ""});
    }
    for (const ParticipantFlag& flag : wanted) {
      if (flag.kind != ParticipantFlag::Kind::kInProcess) continue;
      auto it = std::find_if(builtin->begin(), builtin->end(),
                             [&](const participants::Participant& p) { return p.name() == flag.name; });
      if (it == builtin->end()) {
        std::string known;
        for (const auto& p : *builtin) known += (known.empty() ? "" : ", ") + p.name();
        return Status::InvalidArgument("--participant " + flag.name + "=inproc: this sagad has no built-in participant '" +
                                       flag.name + "' (built in: " + known + ")");
      }
      SAGAD_RETURN_IF_ERROR(it->RegisterInto(registry_));
      for (const std::string& command : it->Commands()) participant_of_type_[*it->RouteOf(command)] = it->name();
      in_process_.push_back(*it);
    }
    return Status::Ok();
  }

  Status ConnectTransports(const std::vector<ParticipantFlag>& wanted) {
    for (const ParticipantFlag& flag : wanted) {
      switch (flag.kind) {
        case ParticipantFlag::Kind::kInProcess:
          for (const auto& p : in_process_) {
            if (p.name() == flag.name) {
              transports_[flag.name] = std::make_shared<participants::InProcessTransport>(p, runtime_.get());
            }
          }
          break;
        case ParticipantFlag::Kind::kHttp: {
          auto transport = participants::HttpTransport::Create(flag.url);
          if (!transport.ok()) return transport.status().WithContext("--participant " + flag.name);
          transports_[flag.name] = std::shared_ptr<coordinator::Transport>(std::move(transport).value());
          break;
        }
        case ParticipantFlag::Kind::kKafka:
          return Status::FailedPrecondition("--participant " + flag.name +
                                            "=kafka: this build has no Kafka transport yet; use inproc or http://");
      }
      spdlog::info("participant {}: {}", flag.name,
                   flag.kind == ParticipantFlag::Kind::kHttp ? flag.url : std::string("in-process"));
    }
    return Status::Ok();
  }

  Status StartHttp(const SagadConfig& config) {
    metrics::Gauge& queued =
        metrics_.Gauge("sagad_runtime_queued", "Commands waiting in shard mailboxes and the committer").With({});
    metrics::Gauge& in_flight =
        metrics_.Gauge("sagad_engine_in_flight", "Engine commands and participant calls not yet answered").With({});
    metrics::Gauge& timers =
        metrics_.Gauge("sagad_engine_armed_timers", "Instances waiting for a timeout or retry").With({});
    metrics::Gauge& store_failing = metrics_.Gauge(
        "sagad_store_failing", "1 while the store refuses writes (full disk, I/O errors), else 0").With({});
    metrics::Counter& shed = metrics_.Counter(
        "sagad_starts_shed_total", "Starts refused (503) because --max-in-flight was reached").With({});
    metrics::Gauge& recovery_backlog = metrics_.Gauge(
        "sagad_recovery_backlog", "Recovery resends waiting for room (half of --max-in-flight)").With({});
    metrics_.OnCollect([this, &queued, &in_flight, &timers, &store_failing, &shed, &recovery_backlog] {
      queued.Set(static_cast<double>(runtime_->Stats().queued));
      store_failing.Set(runtime_->StoreHealth().ok() ? 0 : 1);
      coordinator::EngineStats stats = engine_->Stats();
      in_flight.Set(static_cast<double>(stats.in_flight));
      timers.Set(static_cast<double>(stats.armed_timers));
      recovery_backlog.Set(static_cast<double>(stats.recovery_backlog));
      shed.Inc(stats.shed - shed_reported_);
      shed_reported_ = stats.shed;
    });
    http::Router router;
    // Not ready while stopping, or while the store refuses writes: reads go
    // on, writes are answered 503 with Retry-After until it works again.
    http::AddOpsRoutes(router, metrics_, [this] {
      if (stopped_) return Status::Unavailable("stopping");
      Status store = runtime_->StoreHealth();
      return store.ok() ? store : Status::Unavailable("the store refuses writes: " + store.message());
    });
    http::AddSagaRoutes(router, http::SagaApi{engine_.get(), store_.get(), &catalog_, transports_});
    http::AddOpenApiRoute(router);
    http::AddDashboardRoutes(router, http::SagaApi{engine_.get(), store_.get(), &catalog_, transports_});
    http::HttpServerOptions options = config.http_limits;
    options.listen = config.listen;
    options.auth.admin_token = config.admin_token;
    http_ = std::make_unique<http::HttpServer>(options, std::move(router), metrics_);
    Status started = http_->Start();
    if (!started.ok()) return started.WithContext("listening on " + config.listen);
    spdlog::info("sagad listening on http://{}:{}", config.listen.substr(0, config.listen.rfind(':')), http_->port());
    return Status::Ok();
  }

  // Declared in the order they are built; destroyed in reverse.
  metrics::Registry metrics_;
  std::unique_ptr<SagaMetrics> saga_metrics_;
  std::unique_ptr<EventStore> store_;
  coordinator::DefinitionCatalog catalog_;
  std::unique_ptr<coordinator::DefinitionArchive> archive_;
  std::unique_ptr<coordinator::DefinitionDirectory> directory_;
  AggregateRegistry registry_;
  std::vector<participants::Participant> in_process_;
  std::map<std::string, std::string> participant_of_type_;
  std::unique_ptr<AggregateRuntime> runtime_;
  std::map<std::string, std::shared_ptr<coordinator::Transport>> transports_;
  std::unique_ptr<coordinator::Engine> engine_;
  std::unique_ptr<http::HttpServer> http_;
  std::uint64_t shed_reported_ = 0;  // of EngineStats::shed, by the last /metrics collection
  std::atomic<bool> stopped_{false};
};

Result<std::unique_ptr<SagadServer>> SagadServer::Start(const SagadConfig& config) {
  auto impl = std::make_unique<Impl>();
  Status s = impl->Start(config);
  if (!s.ok()) {
    impl->Stop();
    return s;
  }
  return std::unique_ptr<SagadServer>(new SagadServer(std::move(impl)));
}

SagadServer::SagadServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SagadServer::~SagadServer() { Stop(); }
void SagadServer::Stop() { impl_->Stop(); }
int SagadServer::port() const { return impl_->port(); }

}  // namespace sagad::app
