#pragma once

#include <functional>
#include <vector>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad {

// The answer to one command, given only once its events are durable.
struct CommandResult {
  // OK: `events` were committed (or, with `duplicate`, had been committed by
  // the first delivery of this command id). Rejected: the domain refused.
  // Unavailable: nothing was committed; resend with the same command id.
  Status status;
  std::vector<Event> events;
  bool duplicate = false;
};

// Called exactly once per command, on a runtime thread: keep it short
// (fulfil a promise, post to a queue).
using CommandCallback = std::function<void(CommandResult)>;

}  // namespace sagad
