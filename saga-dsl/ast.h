// The meaning of a .saga file, as plain data.
//
// The parser fills in every default (see defaults.h), so a consumer such as
// the coordinator reads resolved values and never re-implements the rules:
// a step's `after` already lists its dependencies whether they were written
// or implied by declaration order. Locations point into the source for
// diagnostics; they take no part in the meaning (see ast_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "saga-dsl/defaults.h"
#include "saga-dsl/diagnostic.h"
#include "saga-dsl/expression.h"

namespace sagad::dsl {

// `participant.Name`: an event type or a command type. The participant is
// bound to a transport in sagad's configuration, not in the DSL.
struct QualifiedName {
  std::string participant;
  std::string name;
  SourceLocation location;

  std::string ToString() const { return participant + "." + name; }
};

// `send payment.Charge to $.customer_id { amount: $.total }`
struct CommandSpec {
  QualifiedName command;  // participant + command type
  Expr target;            // the id of the aggregate the command is for
  Expr payload;           // an object expression; `{ }` when empty
  SourceLocation location;

  const std::string& participant() const { return command.participant; }
  const std::string& command_type() const { return command.name; }
};

// How often and how patiently an action is retried after a timeout or a
// transport error. max_attempts counts the first attempt: `retry 3` is 4.
// Between attempts: exponential backoff from min to max, with jitter.
struct RetryPolicy {
  int max_attempts = kDefaultStepRetries + 1;
  std::int64_t backoff_min_ms = kDefaultBackoffMinMs;
  std::int64_t backoff_max_ms = kDefaultBackoffMaxMs;

  int retries() const { return max_attempts - 1; }
  bool SameBackoff(const RetryPolicy& other) const {
    return backoff_min_ms == other.backoff_min_ms && backoff_max_ms == other.backoff_max_ms;
  }
  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

struct Step {
  std::string name;
  SourceLocation location;
  // Steps that must complete before this one starts. Resolved: the explicit
  // `after` list, or else the previous step in declaration order (none for
  // the first step).
  std::vector<std::string> after;
  bool after_is_explicit = false;
  std::vector<SourceLocation> after_locations;  // parallel to `after` when explicit

  CommandSpec send;
  std::vector<QualifiedName> success;  // any of these completes the step
  std::vector<QualifiedName> failure;  // any of these fails it (compensate now)
  std::vector<std::string> capture;    // success-event fields kept as $.<step>.<field>
  std::optional<CommandSpec> compensate;

  std::int64_t timeout_ms = kDefaultStepTimeoutMs;  // per attempt
  RetryPolicy retry;
  // Compensation attempts: kDefaultCompensationRetries with the step's backoff.
  RetryPolicy compensation_retry{kDefaultCompensationRetries + 1, kDefaultBackoffMinMs, kDefaultBackoffMaxMs};
  // `resolve retry N [backoff MIN..MAX]`: when the saga compensates while this
  // step is in doubt (sent, no definitive answer), its command is resent up to
  // N more times to learn the outcome. Default: kDefaultResolveRetries with
  // the step's backoff; a written `backoff` replaces the step's.
  RetryPolicy resolve_retry{kDefaultResolveRetries + 1, kDefaultBackoffMinMs, kDefaultBackoffMaxMs};

  // Where clauses were written; unknown when the clause is absent.
  bool has_send = false;
  SourceLocation capture_location;
  SourceLocation timeout_location;
  SourceLocation retry_location;
  SourceLocation resolve_location;  // the `resolve` of `resolve retry`
  SourceLocation end_location;  // the closing '}'

  // resolve_retry as it is when the clause is absent.
  RetryPolicy DefaultResolveRetry() const {
    return {kDefaultResolveRetries + 1, retry.backoff_min_ms, retry.backoff_max_ms};
  }
};

// A tcc branch: try runs with the others in parallel; then confirm all or
// cancel all. A branch lacking a phase has has_* false (the checker reports
// it; a definition that compiles has all three).
struct TccBranch {
  std::string name;
  SourceLocation location;
  CommandSpec try_command;  // `try` is a C++ keyword
  CommandSpec confirm;
  CommandSpec cancel;
  bool has_try = false;
  bool has_confirm = false;
  bool has_cancel = false;
  SourceLocation end_location;  // the closing '}'
};

enum class DefinitionKind { kSaga, kTcc };

enum class FieldType { kString, kInt, kNumber, kBool, kObject, kArray, kAny };

struct InputField {
  std::string name;
  FieldType type = FieldType::kAny;
  SourceLocation location;
};

struct Definition {
  DefinitionKind kind = DefinitionKind::kSaga;
  std::string name;
  std::string file;  // as given to Parse; diagnostics name it
  SourceLocation location;
  int version = kDefaultDefinitionVersion;

  // The event type that starts an instance; nullopt for `start on api` (an
  // explicit start over HTTP, which every definition also accepts).
  std::optional<QualifiedName> start_event;
  // Evaluated over the start payload: a second start with the same key is
  // the same instance. nullopt: every start is a new instance.
  std::optional<Expr> key;
  // Declared start payload; nullopt when the definition has no `input`.
  std::optional<std::vector<InputField>> input;

  // kSaga
  std::vector<Step> steps;
  // kTcc
  std::vector<TccBranch> branches;
  std::int64_t tcc_timeout_ms = kDefaultTccTimeoutMs;
  RetryPolicy tcc_try_retry;  // try: retried on transport errors until the timeout
  RetryPolicy tcc_phase_retry{kDefaultTccPhaseRetries + 1, kDefaultBackoffMinMs, kDefaultBackoffMaxMs};

  // Final commands: after the last step completes (tcc: after confirm), or
  // after compensation finishes (tcc: after cancel).
  std::optional<CommandSpec> on_completed;
  std::optional<CommandSpec> on_compensated;

  SourceLocation version_location;
  SourceLocation start_location;
  SourceLocation input_location;
  SourceLocation timeout_location;
  SourceLocation end_location;  // the closing '}'

  const Step* FindStep(std::string_view step_name) const;
};

// "5s", "100ms", "2m", "1h": the largest unit that divides exactly.
std::string FormatDuration(std::int64_t ms);

std::string_view KindName(DefinitionKind kind);           // "saga" | "tcc"
std::string_view FieldTypeName(FieldType type);           // "string", ...
std::optional<FieldType> FieldTypeFromName(std::string_view name);

}  // namespace sagad::dsl
