// The REST routes for sagas, definitions and participant commands, over the
// coordinator's engine and the event store. Handlers that write answer
// asynchronously, once the engine's command is durable.
//
//   POST /v1/sagas/{definition}            start (Idempotency-Key or the definition's key)
//   GET  /v1/sagas                         ?status=&definition=&since=&limit=&cursor=
//   GET  /v1/sagas/{id}                    ?asOf=VERSION
//   GET  /v1/sagas/{id}/events
//   GET  /v1/aggregates/{type}/{id}/events   any aggregate's history (participants' too)
//   POST /v1/sagas/{id}/retry|skip|abort|pause|resume   {reason, step?, payload?, compensate?}
//   GET  /v1/definitions, /v1/definitions/{name}
//   POST /v1/commands/{participant}/{CommandType}       {command_id, target, payload}
#pragma once

#include <map>
#include <memory>
#include <string>

#include "coordinator/definition_catalog.h"
#include "coordinator/engine.h"
#include "coordinator/transport.h"
#include "core/store/event_store.h"
#include "http-api/router.h"

namespace sagad::http {

struct SagaApi {
  coordinator::Engine* engine = nullptr;
  EventStore* store = nullptr;
  const coordinator::DefinitionCatalog* catalog = nullptr;
  // Participant name -> transport, for /v1/commands.
  std::map<std::string, std::shared_ptr<coordinator::Transport>> transports;
};

// Everything in `api` must outlive the router.
void AddSagaRoutes(Router& router, SagaApi api);

}  // namespace sagad::http
