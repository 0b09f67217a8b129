// What the API shows of a saga or tcc instance: a JSON document derived
// from its state (never stored). Steps (or branches) in definition order,
// each with its status, attempts, last error and times.
#pragma once

#include "coordinator/saga_state.h"
#include "coordinator/tcc_state.h"
#include "core/json.h"

namespace sagad::coordinator {

// {id, kind:"saga", definition:{name,version,hash}, key, status, started_ms,
//  finished_ms, failure?, stuck_reason?, steps:[{name, status, attempts,
//  compensation_attempts, last_error, started_ms, finished_ms}], context}
Json SagaView(const SagaState& state, std::int64_t version);
// {id, kind:"tcc", definition, key, status, decision, reason, deadline_ms,
//  started_ms, finished_ms, branches:[{name, try, confirm, cancel}], context}
Json TccView(const TccState& state, std::int64_t version);

}  // namespace sagad::coordinator
