#include "core/store/memory/memory_event_store.h"
#include "core/store/sqlite/sqlite_event_store.h"

namespace sagad {
namespace {

// Splits "PATH?k=v&k2=v2" into the path and its options.
Result<SqliteOptions> ParseSqliteQuery(const std::string& query) {
  SqliteOptions options;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    std::size_t eq = pair.find('=');
    std::string key = pair.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (key == "synchronous") {
      Result<SqliteSync> sync = ParseSqliteSync(value);
      if (!sync.ok()) return sync.status();
      options.synchronous = *sync;
    } else if (key == "vfs" && !value.empty()) {
      options.vfs = value;
    } else {
      return Status::InvalidArgument("unknown sqlite store option '" + key + "' (known: synchronous, vfs)");
    }
    start = end + 1;
  }
  return options;
}

}  // namespace

Result<std::unique_ptr<EventStore>> OpenEventStore(const std::string& url) {
  if (url == "memory:" || url == "memory") {
    return std::unique_ptr<EventStore>(std::make_unique<MemoryEventStore>());
  }
  const std::string sqlite_scheme = "sqlite:";
  if (url.rfind(sqlite_scheme, 0) == 0) {
    std::string rest = url.substr(sqlite_scheme.size());
    std::size_t q = rest.find('?');
    Result<SqliteOptions> options = ParseSqliteQuery(q == std::string::npos ? "" : rest.substr(q + 1));
    if (!options.ok()) return options.status();
    return OpenSqliteEventStore(rest.substr(0, q), *options);
  }
  return Status::InvalidArgument("unknown store URL '" + url +
                                 "': use memory: or sqlite:PATH[?synchronous=full|normal|off]");
}

}  // namespace sagad
