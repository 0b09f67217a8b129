#include "tests/crash/store_audit.h"

#include <map>
#include <set>

#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "core/store/event_store.h"

namespace sagad::crash {
namespace {

constexpr std::size_t kPage = 10000;

bool IsSaga(const StreamId& s) {
  return s.type == coordinator::saga::kAggregateType || s.type == coordinator::tcc::kAggregateType;
}

// The saga an event belongs to: its own stream, or for a participant's
// aggregate the saga whose command produced it (none for seeding and orders
// placed over the API).
std::string SagaOf(const Event& e) { return IsSaga(e.stream) ? e.stream.id : e.correlation_id; }

std::string StartEventOf(const StreamId& s) {
  return s.type == coordinator::saga::kAggregateType ? coordinator::saga::kSagaStarted : coordinator::tcc::kTccStarted;
}

struct Seen {
  std::int64_t version = 0;
  const Event* last = nullptr;
  std::map<std::string, std::int64_t> first_version;  // command id -> the version its events start at
};

// Does `e` continue the append `last` belongs to? One command's events on a
// stream are written by one request: next to each other in the log, with the
// request's one timestamp. A second application of the command, even right
// after the first in the stream's versions, is a later request.
bool SameAppend(const Event* last, const Event& e) {
  return last && last->command_id == e.command_id && last->global_position + 1 == e.global_position &&
         last->timestamp_ms == e.timestamp_ms;
}

}  // namespace

Result<StoreContents> ReadStore(const std::string& url) {
  Result<std::unique_ptr<EventStore>> opened = OpenEventStore(url);
  if (!opened.ok()) return opened.status().WithContext("opening " + url);
  EventStore& store = **opened;
  StoreContents contents;
  while (true) {
    std::int64_t after = contents.events.empty() ? 0 : contents.events.back().global_position;
    Result<std::vector<Event>> page = store.ReadAll(after, kPage);
    if (!page.ok()) return page.status().WithContext("reading " + url);
    if (page->empty()) break;
    for (Event& e : *page) contents.events.push_back(std::move(e));
  }
  Result<std::vector<StreamId>> active = store.ListActive();
  if (!active.ok()) return active.status().WithContext("listing the active streams of " + url);
  contents.active = std::move(active).value();
  return contents;
}

Audit AuditStore(const StoreContents& store, const std::vector<std::string>& acknowledged) {
  Audit audit;
  audit.events = store.events.size();
  std::map<std::string, Seen> streams;  // by StreamKey
  std::set<std::string> sagas;          // Saga and Tcc stream ids
  std::int64_t position = 0;
  for (const Event& e : store.events) {
    std::string name = e.stream.ToString();
    if (e.global_position != position + 1) {
      audit.violations.push_back({"global positions jump from " + std::to_string(position) + " to " +
                                      std::to_string(e.global_position) + " (at " + name + ")",
                                  SagaOf(e)});
    }
    position = e.global_position;

    Seen& seen = streams[StreamKey(e.stream)];
    if (e.version != seen.version + 1) {
      audit.violations.push_back({name + ": version " + std::to_string(e.version) + " follows version " +
                                      std::to_string(seen.version) + " (" + e.type + ")",
                                  SagaOf(e)});
    }
    if (seen.version == 0 && IsSaga(e.stream)) {
      sagas.insert(e.stream.id);
      if (e.type != StartEventOf(e.stream)) {
        audit.violations.push_back({name + " begins with " + e.type + ", not " + StartEventOf(e.stream), e.stream.id});
      }
    }
    seen.version = e.version;
    if (!SameAppend(seen.last, e)) {
      auto [it, first] = seen.first_version.emplace(e.command_id, e.version);
      if (!first) {
        audit.violations.push_back({name + ": command " + e.command_id + " applied twice (versions " +
                                        std::to_string(it->second) + " and " + std::to_string(e.version) + ")",
                                    SagaOf(e)});
      }
    }
    seen.last = &e;
  }
  audit.sagas = sagas.size();

  for (const std::string& id : acknowledged) {
    if (!sagas.contains(id)) {
      audit.violations.push_back({"the API acknowledged the start of " + id + " and the store has no saga " + id, id});
    }
  }
  for (const StreamId& s : store.active) {
    audit.violations.push_back({s.ToString() + " is still active: it never finished", IsSaga(s) ? s.id : ""});
  }
  return audit;
}

std::vector<std::string> SagaHistory(const StoreContents& store, const std::string& saga_id) {
  std::vector<std::string> lines;
  if (saga_id.empty()) return lines;
  for (const Event& e : store.events) {
    if (SagaOf(e) != saga_id) continue;
    // Appended, not "#" + ...: GCC 12 warns falsely on a literal + a temporary.
    std::string line = std::string("#").append(std::to_string(e.global_position));
    line.append(" ").append(e.stream.ToString()).append(" v").append(std::to_string(e.version));
    line.append(" ").append(e.type).append(" [").append(e.command_id).append("] ").append(DumpJson(e.payload));
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace sagad::crash
