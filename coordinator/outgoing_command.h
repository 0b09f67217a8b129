// Commands the coordinator asks participants to run, and the pure helpers
// saga and tcc share to build them: deterministic command ids, evaluation of
// a definition's CommandSpec against the instance context, retry backoff.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "saga-dsl/ast.h"

namespace sagad::coordinator {

// One command for a participant. The dispatcher maps `participant` to a
// transport and sends it after the event that issued it is durable. Sending
// it twice is harmless: the command id is deterministic.
struct OutgoingCommand {
  std::string command_id;      // "<instance id>/<step or branch>/<phase>/<attempt>"
  std::string participant;     // e.g. "inventory"
  std::string command_type;    // e.g. "ReserveStock"
  std::string target;          // id of the participant aggregate
  Json payload = Json::object();
  std::string correlation_id;  // the saga / tcc instance id

  bool operator==(const OutgoingCommand&) const = default;
};

// Field names as they appear in *Issued events: command_id, participant,
// command_type, target, payload (correlation is the stream id).
void WriteCommandFields(const OutgoingCommand& command, Json& into);
OutgoingCommand ReadCommandFields(const Json& from, const std::string& correlation_id);

// "<instance>/<name>/<phase>/<attempt>".
std::string CommandIdFor(std::string_view instance_id, std::string_view name, std::string_view phase, int attempt);

// The command for `spec` evaluated on `context`. `payload_override`, when not
// null, replaces the evaluated payload (an operator's edit). Fails with the
// evaluation error (e.g. a missing $.path) as InvalidArgument.
Result<OutgoingCommand> BuildCommand(const dsl::CommandSpec& spec, const Json& context, std::string command_id,
                                     std::string correlation_id, const Json* payload_override = nullptr);

// Delay before attempt `next_attempt` (2 = first retry): exponential from
// backoff_min, capped at backoff_max, with "equal jitter" (half fixed, half
// random) where the random half is derived from `seed` (a command id), so
// Decide stays deterministic.
std::int64_t BackoffMs(const dsl::RetryPolicy& policy, int next_attempt, std::string_view seed);

// Reads an integer field; `fallback` when absent or not an integer.
std::int64_t IntField(const Json& j, const char* key, std::int64_t fallback = 0);
std::string StringField(const Json& j, const char* key);

}  // namespace sagad::coordinator
