#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/aggregate.h"
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
  // For types that track activity (see core/aggregate.h): the aggregate's
  // activity after this command, when it was decided by this runtime (not
  // for a duplicate, whose original may be long superseded).
  std::optional<Activity> activity;
};

// Called exactly once per command, on a runtime thread: keep it short
// (fulfil a promise, post to a queue).
using CommandCallback = std::function<void(CommandResult)>;

}  // namespace sagad
