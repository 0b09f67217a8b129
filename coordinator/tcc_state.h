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
#include "coordinator/final_commands.h"
#include "core/aggregate.h"
#include "core/envelope.h"

namespace sagad::coordinator {

enum class TccStatus { kNew, kTrying, kConfirming, kCancelling, kConfirmed, kCancelled, kStuck };
std::string_view TccStatusName(TccStatus status);

// One phase (try, confirm or cancel) of one branch. Every attempt of it
// carries the same command id (an operator's retry after a refusal is a new
// command: `revision`).
struct TccAction {
  int attempts = 0;
  int budget_base = 0;
  int revision = 1;
  bool done = false;           // succeeded
  bool refused = false;        // the participant refused it (definitive: a resend gets the same)
  bool stuck = false;          // refused or budget spent: needs an operator
  bool retry_waiting = false;  // next attempt at retry_at_ms
  std::optional<OutgoingCommand> outstanding;
  std::optional<OutgoingCommand> sent;  // the command last issued: a retry resends exactly it
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
  CommandRefs commands;  // CommandRef::step = branch
  FinalCommands finals;

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
