// The two messages of the core: a Command asks one aggregate to do something;
// an Event records what it did. Both are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace sagad {

// Identifies one aggregate instance (one event stream). Ids are unique per
// type, so an order "o-1" and the PlaceOrder saga keyed "o-1" never collide.
struct StreamId {
  std::string type;
  std::string id;

  bool operator==(const StreamId&) const = default;
  // "Order/o-1": for logs and messages.
  std::string ToString() const { return type + "/" + id; }
};

// An unambiguous map key for a stream: length-prefixed, so no choice of
// characters in a type or id can make two streams share a key.
inline std::string StreamKey(const StreamId& stream) {
  std::string key = std::to_string(stream.type.size());
  key.reserve(key.size() + stream.type.size() + stream.id.size() + 1);
  key.push_back(':');
  key.append(stream.type);
  key.append(stream.id);
  return key;
}

// The same for a (stream, command id) pair.
inline std::string StreamCommandKey(const StreamId& stream, const std::string& command_id) {
  std::string key;
  for (const std::string* part : {&stream.type, &stream.id, &command_id}) {
    key.append(std::to_string(part->size()));
    key.push_back(':');
    key.append(*part);
  }
  return key;
}

struct Command {
  std::string command_id;  // idempotency key: resending the same id is harmless
  StreamId target;         // the one aggregate this command changes
  std::string type;        // e.g. "ReserveStock"
  Json payload = Json::object();
  std::string correlation_id;  // the business transaction (saga id), if any
  std::string causation_id;    // the message that caused this command, if any
  // Extras beside the payload, for the aggregate and its history rather
  // than its business: e.g. the attempt number a coordinator sends, or the
  // command a compensation undoes. An object, or null when absent. The
  // runtime copies it onto every event the command produces (with
  // causation_id), so appliers can read it on replay too.
  Json metadata;
};

// What Decide emits: the type and payload of a new event. The runtime
// stamps the rest (stream, version, command id, time) when it commits.
struct EventData {
  std::string type;
  Json payload = Json::object();
};

struct Event {
  std::int64_t global_position = 0;  // assigned by the store, 1..n in commit order
  StreamId stream;
  std::int64_t version = 0;          // 1..n within the stream, no gaps
  std::string command_id;            // the command that produced it (its causation)
  std::string correlation_id;
  std::string type;
  Json payload = Json::object();
  Json metadata;                     // free-form extras; null when absent
  std::int64_t timestamp_ms = 0;     // wall clock when decided
};

}  // namespace sagad
