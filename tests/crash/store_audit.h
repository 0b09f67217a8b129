// What the crash suite checks in sagad's store once sagad has stopped: every
// stream at once, whatever its type, read through the store library.
//
//   positions   global positions run 1..n, no gap
//   versions    each stream's versions run 1..n
//   commands    no command id applied twice on a stream: a command id's
//               events on one stream are one append (consecutive in the
//               log, one timestamp)
//   sagas       each Saga and Tcc stream begins with its start event
//   starts      every start the API acknowledged has its Saga or Tcc stream
//   ended       no stream left in the active index: every saga finished
//               (a restart resumes exactly what is in it)
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad::crash {

struct StoreContents {
  std::vector<Event> events;     // every event, in global order
  std::vector<StreamId> active;  // the active index (EventStore::ListActive)
};

// Opens the store at `url` (no sagad may be running on it) and reads it whole.
Result<StoreContents> ReadStore(const std::string& url);

struct Violation {
  std::string what;
  std::string saga;  // the saga instance it is about ("PlaceOrder:o-1"), "" if none
};

struct Audit {
  std::size_t sagas = 0;  // Saga and Tcc streams
  std::size_t events = 0;
  std::vector<Violation> violations;
};

// `acknowledged` lists the instance ids whose start the API answered 200 or 201.
Audit AuditStore(const StoreContents& store, const std::vector<std::string>& acknowledged);

// A saga's history as the store holds it: its own events and those of the
// participants' aggregates its commands produced (their correlation id), in
// global order, one line each. Empty if the store has none.
std::vector<std::string> SagaHistory(const StoreContents& store, const std::string& saga_id);

}  // namespace sagad::crash
