// Defaults and limits of the saga DSL.
//
// The parser fills these in where a clause is absent, and the coordinator
// uses the same constants, so a definition means one thing everywhere.
// docs/dsl.md documents each of them; change both together.
#pragma once

#include <cstdint>

namespace sagad::dsl {

// A step that says nothing about time gets this long per attempt.
inline constexpr std::int64_t kDefaultStepTimeoutMs = 30'000;
// Retries after the first attempt when a step times out or its transport
// fails (`retry 3` means up to 4 attempts in all).
inline constexpr int kDefaultStepRetries = 3;
// Exponential backoff with jitter between attempts, from min up to max.
inline constexpr std::int64_t kDefaultBackoffMinMs = 100;
inline constexpr std::int64_t kDefaultBackoffMaxMs = 5'000;
// Compensations must finish, so they get a larger budget of their own (with
// the step's backoff range) before the saga goes STUCK.
inline constexpr int kDefaultCompensationRetries = 10;
// A step whose outcome is unknown when the saga compensates (timed out, lost
// reply, still in flight) is resolved first by resending its command. That
// must finish, like a compensation, so it gets the same large budget (with
// the step's backoff range) before the saga goes STUCK.
inline constexpr int kDefaultResolveRetries = 10;

// A tcc transaction that has not confirmed within this long cancels.
inline constexpr std::int64_t kDefaultTccTimeoutMs = 30'000;
// Confirm and cancel are retried this many times before the transaction goes
// STUCK (like compensations, they must not give up early).
inline constexpr int kDefaultTccPhaseRetries = 10;

// A definition without `version` is version 1.
inline constexpr int kDefaultDefinitionVersion = 1;

// Limits. Values beyond them are almost certainly mistakes (or hostile
// input), and refusing them keeps every later computation bounded.
inline constexpr std::int64_t kMaxDurationMs = 24LL * 60 * 60 * 1000;  // 24h
inline constexpr int kMaxRetries = 1'000;
inline constexpr int kMaxStepsPerDefinition = 1'000;
// Payload objects/arrays nested deeper than this are refused: the parser and
// evaluator recurse on nesting, and no real command needs more.
inline constexpr int kMaxNestingDepth = 64;
// After this many errors in one file the parser stops.
inline constexpr int kMaxErrorsPerFile = 100;

}  // namespace sagad::dsl
