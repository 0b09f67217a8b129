// Commands the coordinator asks participants to run, and the pure helpers
// saga and tcc share to build them: deterministic command ids, evaluation of
// a definition's CommandSpec against the instance context, retry backoff.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "saga-dsl/ast.h"

namespace sagad::coordinator {

// The forward command a compensation undoes, as it was sent.
struct ForwardCommand {
  std::string command_id;
  std::string command_type;
  std::string target;

  bool operator==(const ForwardCommand&) const = default;
};

// One command for a participant. The dispatcher maps `participant` to a
// transport and sends it after the event that issued it is durable.
//
// The command id names what is asked, not the attempt: it is the same for
// every retry and every resend after a crash, so a participant that already
// ran it answers with its first answer (the captured data included) and
// never runs it twice. The attempt number travels beside the id.
struct OutgoingCommand {
  std::string command_id;      // "<instance id>/<step or branch>/<phase>" (see CommandIdFor)
  int attempt = 1;             // 1 for the first send, 2 for the first retry, ...
  std::string participant;     // e.g. "inventory"
  std::string command_type;    // e.g. "ReserveStock"
  std::string target;          // id of the participant aggregate
  Json payload = Json::object();
  std::string correlation_id;  // the saga / tcc instance id
  // A forward command that has a compensation: the participant's barrier
  // remembers that it ran, so that its compensation can tell.
  bool compensable = false;
  // A compensation: the forward command it undoes. A participant's barrier
  // answers a compensation of a command that never ran with a null
  // compensation, and refuses that command if it arrives afterwards.
  std::optional<ForwardCommand> compensates;

  bool operator==(const OutgoingCommand&) const = default;
};

// Field names as they appear in *Issued events: command_id, attempt,
// participant, command_type, target, payload, compensable (only when true),
// compensates {command_id, command_type, target} (only when set);
// correlation is the stream id.
void WriteCommandFields(const OutgoingCommand& command, Json& into);
OutgoingCommand ReadCommandFields(const Json& from, const std::string& correlation_id);

// What travels beside the payload to a participant (a core Command's
// metadata, the HTTP body's top level): {attempt, compensable?, compensates?}.
Json DeliveryMetadata(const OutgoingCommand& command);

// "<instance>/<name>/<phase>": one id per (instance, step or branch, phase),
// whatever the attempt. `revision` > 1 names a different command for the
// same phase, issued only by an operator once the earlier one's outcome is
// definitive (a refused compensation retried, maybe with an edited payload):
// "<instance>/<name>/<phase>/rev<revision>".
std::string CommandIdFor(std::string_view instance_id, std::string_view name, std::string_view phase,
                         int revision = 1);

// The command for `spec` evaluated on `context`. `payload_override`, when not
// null, replaces the evaluated payload (an operator's edit). Fails with the
// evaluation error (e.g. a missing $.path) as InvalidArgument.
Result<OutgoingCommand> BuildCommand(const dsl::CommandSpec& spec, const Json& context, std::string command_id,
                                     std::string correlation_id, const Json* payload_override = nullptr);

// Delay before attempt `next_attempt` (2 = first retry): exponential from
// backoff_min, capped at backoff_max, with "equal jitter" (half fixed, half
// random) where the random half is derived from the command id and the
// attempt, so Decide stays deterministic.
std::int64_t BackoffMs(const dsl::RetryPolicy& policy, int next_attempt, std::string_view command_id);

// Reads an integer field; `fallback` when absent or not an integer.
std::int64_t IntField(const Json& j, const char* key, std::int64_t fallback = 0);
std::string StringField(const Json& j, const char* key);

}  // namespace sagad::coordinator
