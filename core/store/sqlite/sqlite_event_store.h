// SqliteEventStore: the embedded, durable default. A file path is all the
// setup.
//
// Layout (see docs/architecture.md, "Embedded store"): an append-only
// `events` table whose rowid is the global position and which has no other
// index, so a commit of N events writes N rows at the end of one B-tree. The
// per-stream lookup (versions, positions, command ids) is a StreamDirectory
// in memory, rebuilt by one sequential scan of the log when the store opens;
// that scan also verifies versions are contiguous and command ids unique.
// The store may enforce uniqueness in memory because it is the file's only
// writer: Open takes an exclusive lock on PATH.lock for the life of the store.
#pragma once

#include <memory>
#include <string>

#include "core/store/event_store.h"

namespace sagad {

enum class SqliteSync { kFull, kNormal, kOff };

struct SqliteOptions {
  // FULL: a commit survives power loss (fsync of the WAL each commit).
  // NORMAL: survives a process crash, may lose the last commits on power loss.
  SqliteSync synchronous = SqliteSync::kFull;
  // Writer page cache, in MiB.
  int cache_mib = 64;
  // Log progress of the opening scan every this many events (0 = never).
  std::int64_t progress_every = 1'000'000;
  // The SQLite VFS to open the file with, by its registered name; empty:
  // the default. For special file systems, and for tests that need a full
  // disk on demand (core/store/testing/full_disk_vfs.h).
  std::string vfs;
};

// Opens or creates the store at `path`.
//   Unavailable   the file cannot be created/opened or another process holds it
//   Corruption    the file is not a sagad store or its log is inconsistent
Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const std::string& path,
                                                         const SqliteOptions& options = {});

// "full" | "normal" | "off"
Result<SqliteSync> ParseSqliteSync(const std::string& text);

}  // namespace sagad
