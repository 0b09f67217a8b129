// Status and Result<T>: errors as values.
//
// Every fallible call in sagad returns a Status (or a Result<T>, which is a T
// or a non-OK Status). No exception crosses a layer boundary. The codes are
// few and each one tells the caller what to do next, so callers switch on the
// code, never on the message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sagad {

enum class StatusCode : std::uint8_t {
  kOk = 0,
  // The caller's bug: malformed input, unknown type, bad flag. Never retry;
  // fix the request.
  kInvalidArgument,
  // The thing asked for does not exist.
  kNotFound,
  // Another writer got there first (optimistic concurrency). Reload the
  // aggregate and decide again; retrying the same write is pointless.
  kConflict,
  // The domain refused the command (business rule). Not an error of the
  // system: a saga treats it as the step's failure and compensates.
  kRejected,
  // The operation is not valid in the current state (e.g. an operator action
  // on a finished saga). Do not retry until the state changes.
  kFailedPrecondition,
  // A transient failure (store I/O, transport, shutting down). Safe to retry
  // the same call with the same command id after a backoff.
  kUnavailable,
  // The deadline passed before an answer came. The outcome is unknown:
  // retry with the same command id (it is idempotent).
  kDeadlineExceeded,
  // Stored data is damaged or violates an invariant (gap in versions,
  // unreadable row). Stop and tell an operator; never paper over it.
  kCorruption,
  // A bug in sagad itself.
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Rejected(std::string m) { return {StatusCode::kRejected, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool Is(StatusCode c) const { return code_ == c; }

  // Retrying the same call (same command id) may succeed.
  bool IsRetryable() const {
    return code_ == StatusCode::kUnavailable || code_ == StatusCode::kDeadlineExceeded;
  }

  // "Conflict: expected version 3, store has 4"
  std::string ToString() const;

  // Prefixes the message with context, keeping the code.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sagad

// Returns early from the enclosing function with the status if it is not OK.
#define SAGAD_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::sagad::Status sagad_status_ = (expr);    \
    if (!sagad_status_.ok()) return sagad_status_; \
  } while (0)
