// The state of one tcc transaction, rebuilt from its events (tcc_evolve.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/instance_origin.h"
#include "coordinator/definition_catalog.h"
#include "coordinator/outgoing_command.h"
#include "coordinator/saga_state.h"  // CommandRef
#include "core/aggregate.h"
#include "core/envelope.h"

namespace sagad::coordinator {

enum class TccStatus { kNew, kTrying, kConfirming, kCancelling, kConfirmed, kCancelled, kStuck };
std::string_view TccStatusName(TccStatus status);

// One phase (try, confirm or cancel) of one branch.
struct TccAction {
  int attempts = 0;
  int budget_base = 0;
  bool done = false;           // succeeded
  bool stuck = false;          // budget spent
  bool retry_waiting = false;  // next attempt at retry_at_ms
  std::optional<OutgoingCommand> outstanding;
  std::int64_t deadline_ms = 0;
  std::int64_t retry_at_ms = 0;
  std::string last_error;
};

struct TccBranchState {
  TccAction try_action, confirm, cancel;
  TccAction& Phase(std::string_view phase);
  const TccAction& Phase(std::string_view phase) const;
};

struct TccState : InstanceOrigin {
  enum class Decision { kNone, kConfirm, kCancel };

  bool started = false;
  bool finished = false;
  bool stuck = false;
  Decision decision = Decision::kNone;
  std::string tcc_id;
  std::shared_ptr<const CatalogEntry> definition;
  Json context = Json::object();
  std::int64_t deadline_ms = 0;  // of the try phase
  std::int64_t finished_ms = 0;
  std::string reason;  // why it cancelled / got stuck
  std::map<std::string, TccBranchState> branches;
  std::map<std::string, CommandRef> commands;  // CommandRef::step = branch
  std::vector<OutgoingCommand> unacknowledged_finals;

  TccStatus status() const;
};

void ApplyTccEvent(TccState& state, const Event& event, const DefinitionCatalog* catalog);
std::optional<std::int64_t> NextDeadline(const TccState& state);
std::vector<OutgoingCommand> OutstandingCommands(const TccState& state);
// What the runtime records in the store's active index and hands the
// dispatcher after each command: active until finished (and final commands
// acknowledged), woken at NextDeadline.
Activity ActivityOf(const TccState& state);
Json TccStateToJson(const TccState& state);
Result<TccState> TccStateFromJson(const Json& json, const DefinitionCatalog* catalog);

using TccAggregate = AggregateDefinition<TccState>;
// StartTcc, HandleReply, TimerFired, Retry (operator).
void AddTccHandlers(TccAggregate& aggregate, const DefinitionCatalog* catalog);
std::shared_ptr<TccAggregate> MakeTccAggregate(const DefinitionCatalog* catalog);

}  // namespace sagad::coordinator
