// Registers the coordinator's aggregate types ("Saga" and "Tcc") with a
// runtime's registry. `catalog` must outlive the registry.
#pragma once

#include "coordinator/definition_catalog.h"
#include "core/aggregate.h"

namespace sagad::coordinator {

Status RegisterCoordinatorAggregates(AggregateRegistry& registry, const DefinitionCatalog* catalog);

}  // namespace sagad::coordinator
