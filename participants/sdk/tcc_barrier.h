// The TCC barrier: what a participant remembers, per transaction id, so the
// coordinator's Try, Confirm and Cancel may arrive late, early or more than
// once without harm.
//
//   command   nothing known   tried       confirmed   cancelled   cancelled before try
//   Try       run             no-op       no-op       no-op       refused
//   Confirm   refused         run         no-op       refused     refused
//   Cancel    tombstone       run         refused     no-op       no-op
//
// "run" is the business work (Try) or its settlement (Confirm/Cancel);
// "no-op" succeeds and emits nothing; "tombstone" records that the
// transaction was cancelled before its Try arrived, so a Try delayed on the
// wire cannot leave a reservation nobody will ever release.
//
// The barrier lives inside the aggregate's state (one per TCC resource) and
// changes only through the resource's events, so it is rebuilt on replay like
// everything else. tcc_resource.h wires it onto an AggregateDefinition.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "core/aggregate.h"
#include "core/json.h"

namespace sagad::participants {

enum class TccPhase { kTried, kConfirmed, kCancelled, kCancelledBeforeTry };

// The command and event names of one TCC resource, by convention from its
// name, e.g. "Debit":
//   commands  TryDebit, ConfirmDebit, CancelDebit
//   events    DebitTried, DebitConfirmed, DebitCancelled (payload: the Tried payload)
//             DebitCancelledBeforeTry {<transaction_field>} (the tombstone)
// Every command names its transaction in payload field `transaction_field`.
struct TccNames {
  std::string resource;
  std::string transaction_field = "transaction_id";

  std::string TryCommand() const { return "Try" + resource; }
  std::string ConfirmCommand() const { return "Confirm" + resource; }
  std::string CancelCommand() const { return "Cancel" + resource; }
  std::string TriedEvent() const { return resource + "Tried"; }
  std::string ConfirmedEvent() const { return resource + "Confirmed"; }
  std::string CancelledEvent() const { return resource + "Cancelled"; }
  std::string TombstoneEvent() const { return resource + "CancelledBeforeTry"; }
};

class TccBarrier {
 public:
  struct Entry {
    TccPhase phase = TccPhase::kTried;
    Json tried;  // payload of the Tried event: what Confirm/Cancel settle
  };

  // nullptr when the transaction is unknown.
  const Entry* Find(const std::string& transaction_id) const;

  // Called by the resource's appliers only.
  void Record(const std::string& transaction_id, TccPhase phase, const Json& tried_payload);

  std::size_t size() const { return transactions_.size(); }

 private:
  std::map<std::string, Entry> transactions_;
};

// The business part of a Try, run only when the barrier lets it: checks the
// command against the state and returns the Tried event's payload (an
// object; the transaction field is added), or a refusal (Rejected) or bad
// input (InvalidArgument).
using TryWork = std::function<Result<Json>()>;

// Decide for the three commands, following the table above. Bad input
// (missing transaction field) is InvalidArgument; refusals are Rejected.
Decision DecideTry(const TccBarrier& barrier, const TccNames& names, const Command& command, const TryWork& work);
Decision DecideConfirm(const TccBarrier& barrier, const TccNames& names, const Command& command);
Decision DecideCancel(const TccBarrier& barrier, const TccNames& names, const Command& command);

// Evolve for the resource's events: records `phase` for the event's
// transaction.
void EvolveBarrier(TccBarrier& barrier, const TccNames& names, TccPhase phase, const Event& event);

}  // namespace sagad::participants
