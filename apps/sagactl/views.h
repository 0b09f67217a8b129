// Human-readable views of sagad's JSON answers, for sagactl without --json.
// Pure functions of the answer (sagactl --json prints the answer itself), so
// a field the server leaves out shows as empty rather than failing.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.h"

namespace sagactl {

// GET /v1/sagas: one line per instance, and how to get the next page.
std::string SagaListView(const sagad::Json& list);
// GET /v1/sagas/{id}: status, definition@version, times, failure; then each
// step (saga) or branch (tcc) with its status, attempts and last error.
std::string InstanceView(const sagad::Json& instance);
// GET /v1/sagas/{id}/events: one line per event with its payload.
std::string EventsView(const sagad::Json& history);
// GET /v1/definitions
std::string DefinitionsView(const sagad::Json& definitions);
// POST /v1/sagas/{definition}
std::string StartedView(const sagad::Json& started);
// POST /v1/sagas/{id}/{action}: what the action recorded.
std::string ActionView(const std::string& action, const sagad::Json& result);

// "2026-01-02 10:11:12" (UTC) for Unix milliseconds; "-" for 0 (not yet).
std::string FormatTime(std::int64_t unix_ms);

}  // namespace sagactl
