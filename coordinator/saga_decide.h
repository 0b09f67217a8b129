// The saga aggregate's command handlers (saga_decide.cc) and appliers
// (saga_evolve.cc), assembled into an AggregateDefinition by register.h.
#pragma once

#include <memory>

#include "coordinator/definition_catalog.h"
#include "coordinator/saga_state.h"
#include "core/aggregate.h"

namespace sagad::coordinator {

using SagaAggregate = AggregateDefinition<SagaState>;

// StartSaga, HandleReply, TimerFired, Retry, Skip, Abort, Pause, Resume
// (see saga_events.h for their payloads).
void AddSagaHandlers(SagaAggregate& aggregate, const DefinitionCatalog* catalog);

// The "Saga" aggregate type: handlers, one applier per event, snapshots.
// `catalog` must outlive it.
std::shared_ptr<SagaAggregate> MakeSagaAggregate(const DefinitionCatalog* catalog);

}  // namespace sagad::coordinator
