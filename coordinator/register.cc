#include "coordinator/register.h"

#include "coordinator/saga_decide.h"
#include "coordinator/tcc_state.h"

namespace sagad::coordinator {

Status RegisterCoordinatorAggregates(AggregateRegistry& registry, const DefinitionCatalog* catalog) {
  if (!catalog) return Status::InvalidArgument("RegisterCoordinatorAggregates needs a definition catalog");
  SAGAD_RETURN_IF_ERROR(registry.Register(MakeSagaAggregate(catalog)));
  return registry.Register(MakeTccAggregate(catalog));
}

}  // namespace sagad::coordinator
