// The messages that travel between shards and the group committer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/runtime/command_result.h"
#include "core/store/event_store.h"

namespace sagad {

// A command on its way through the runtime, with whoever waits for it.
struct PendingCommand {
  Command command;
  CommandCallback done;
  std::uint64_t arrival = 0;  // per-shard order of arrival: kept on re-decide
  int conflicts = 0;          // how often it was re-decided after a conflict
  std::optional<Activity> activity;  // after its decision, for types that track it
};

// Shard -> committer: one command's decided events (or a probe that only
// asks whether the command was already applied).
struct AppendJob {
  AppendRequest request;
  PendingCommand pending;
  std::string stream_key;
  std::size_t shard = 0;
  std::uint64_t epoch = 0;  // the instance's epoch when it was decided
  Status probe_answer;      // a probe's answer if the command is no duplicate
};

// Committer -> shard: what became of an AppendJob.
struct CommitNotice {
  enum class Kind {
    kAppended,         // durable; the client was answered
    kDuplicate,        // the command had been applied before; the client got the
                       // original events, the speculative state is wrong
    kConflict,         // expected version stale: re-decide `pending`
    kFailed,           // the store write failed; the client got Unavailable
    kProbeDuplicate,   // a probe found the original; the client was answered
    kProbeNotApplied,  // a probe found nothing: answer `probe_answer` or re-decide
  };
  Kind kind = Kind::kAppended;
  std::string stream_key;
  std::string command_id;
  bool probe = false;
  std::uint64_t epoch = 0;
  std::int64_t version = 0;  // kAppended: the stream's durable version
  PendingCommand pending;    // kConflict, kProbeNotApplied
  Status probe_answer;
};

}  // namespace sagad
