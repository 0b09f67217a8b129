#include "http-api/stats_route.h"

#include <memory>
#include <string>

#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "core/runtime/state_loader.h"
#include "http-api/problem.h"

namespace sagad::http {
namespace {

using coordinator::SagaStatus;

// NEW is left out: an instance is RUNNING from its first event on.
constexpr SagaStatus kShown[] = {SagaStatus::kRunning,     SagaStatus::kCompensating, SagaStatus::kCompleted,
                                 SagaStatus::kCompensated, SagaStatus::kStuck,        SagaStatus::kPaused,
                                 SagaStatus::kAborted};

Response Stats(EventStore& store, const coordinator::SagaAggregate& saga, const Request& req) {
  std::string definition(req.Query("definition").value_or(""));
  Json counts = Json::object();
  for (SagaStatus s : kShown) counts[std::string(coordinator::SagaStatusName(s))] = 0;
  Result<std::vector<std::string>> ids = store.ListStreams(coordinator::saga::kAggregateType);
  if (!ids.ok()) return ProblemFromStatus(ids.status());
  std::int64_t total = 0;
  for (const std::string& id : *ids) {
    Result<LoadedState> loaded = LoadState(store, saga, {coordinator::saga::kAggregateType, id});
    // An unreadable instance is skipped here as GET /v1/sagas skips it.
    if (!loaded.ok()) continue;
    const coordinator::SagaState& state = coordinator::SagaAggregate::Unbox(*loaded->state);
    if (!definition.empty() && state.definition_name != definition) continue;
    std::string status(coordinator::SagaStatusName(state.status()));
    counts[status] = counts.value(status, 0) + 1;
    ++total;
  }
  return Response::Json(200, Json{{"counts", std::move(counts)}, {"total", total}});
}

}  // namespace

void AddStatsRoute(Router& router, const SagaApi& api) {
  EventStore* store = api.store;
  std::shared_ptr<const coordinator::SagaAggregate> saga = coordinator::MakeSagaAggregate(api.catalog);
  router.Add(Method::kGet, "/v1/sagas/stats",
             [store, saga](const Request& req, const PathParams&) { return Stats(*store, *saga, req); });
}

}  // namespace sagad::http
