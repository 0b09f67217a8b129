// Transport: how the coordinator reaches a participant. One implementation
// per kind of participant (in-process aggregates, HTTP services, Kafka); the
// engine maps each `--participant NAME=...` to one of them.
//
//   transport.Send(command, [](Reply r) { ... });
//
// The engine sends a command only after the event that issued it is durable,
// and may send the same command id again (after a restart, or when a reply
// was lost): participants must treat a known command id as "answer again,
// do nothing twice".
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "coordinator/outgoing_command.h"
#include "core/json.h"

namespace sagad::coordinator {

// What a participant answered to one command.
struct Reply {
  enum class Outcome {
    kSuccess,    // done: `event_type` (optional) and `data` describe what happened
    kFailure,    // refused for a business reason: compensate, do not retry
    kTransient,  // unknown outcome (timeout, connection error, 5xx): retry per the definition
    kEvent,      // the participant emitted `event_type`: the step's success/failure lists decide
  };
  Outcome outcome = Outcome::kTransient;
  std::string event_type;
  Json data = Json::object();
  std::string reason;  // why, for kFailure and kTransient (shown to operators)
};

std::string_view OutcomeName(Reply::Outcome outcome);  // "success", "failure", "transient", "event"

// Called exactly once per Send, on any thread (possibly before Send returns).
// Keep it short: the engine only queues the reply.
using ReplyCallback = std::function<void(Reply)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Must not block for long: queue the command and answer later. A command
  // that cannot be delivered is answered kTransient with the reason.
  virtual void Send(const OutgoingCommand& command, ReplyCallback on_reply) = 0;
  // Stops sending; commands still in flight are answered kTransient
  // ("transport stopped"). Idempotent.
  virtual void Stop() {}
};

}  // namespace sagad::coordinator
