#include "participants/sdk/tcc_barrier.h"

#include "participants/sdk/payload.h"

namespace sagad::participants {

const TccBarrier::Entry* TccBarrier::Find(const std::string& transaction_id) const {
  auto it = transactions_.find(transaction_id);
  return it == transactions_.end() ? nullptr : &it->second;
}

void TccBarrier::Record(const std::string& transaction_id, TccPhase phase, const Json& tried_payload) {
  Entry& entry = transactions_[transaction_id];
  entry.phase = phase;
  if (phase == TccPhase::kTried) entry.tried = tried_payload;
}

namespace {

std::string Describe(const TccNames& names, const std::string& transaction_id) {
  return names.resource + " of transaction " + transaction_id;
}

}  // namespace

Decision DecideTry(const TccBarrier& barrier, const TccNames& names, const Command& command, const TryWork& work) {
  Result<std::string> tx = RequiredString(command, names.transaction_field.c_str());
  if (!tx.ok()) return tx.status();
  if (const TccBarrier::Entry* entry = barrier.Find(*tx)) {
    if (entry->phase == TccPhase::kCancelledBeforeTry) {
      return Status::Rejected(names.TryCommand() + " refused: " + Describe(names, *tx) +
                              " was cancelled before this try arrived");
    }
    return Events{};  // tried before: whatever followed, this try has been answered
  }
  Result<Json> payload = work();
  if (!payload.ok()) return payload.status();
  if (!payload->is_object()) {
    return Status::Internal(names.TryCommand() + ": the try work must return a JSON object");
  }
  (*payload)[names.transaction_field] = *tx;
  return Events{{names.TriedEvent(), std::move(payload).value()}};
}

Decision DecideConfirm(const TccBarrier& barrier, const TccNames& names, const Command& command) {
  Result<std::string> tx = RequiredString(command, names.transaction_field.c_str());
  if (!tx.ok()) return tx.status();
  const TccBarrier::Entry* entry = barrier.Find(*tx);
  std::string refused = names.ConfirmCommand() + " refused: " + Describe(names, *tx);
  if (!entry || entry->phase == TccPhase::kCancelledBeforeTry) return Status::Rejected(refused + " was never tried");
  switch (entry->phase) {
    case TccPhase::kTried: return Events{{names.ConfirmedEvent(), entry->tried}};
    case TccPhase::kConfirmed: return Events{};
    default: return Status::Rejected(refused + " is already cancelled");
  }
}

Decision DecideCancel(const TccBarrier& barrier, const TccNames& names, const Command& command) {
  Result<std::string> tx = RequiredString(command, names.transaction_field.c_str());
  if (!tx.ok()) return tx.status();
  const TccBarrier::Entry* entry = barrier.Find(*tx);
  if (!entry) return Events{{names.TombstoneEvent(), Json{{names.transaction_field, *tx}}}};
  switch (entry->phase) {
    case TccPhase::kTried: return Events{{names.CancelledEvent(), entry->tried}};
    case TccPhase::kConfirmed:
      return Status::Rejected(names.CancelCommand() + " refused: " + Describe(names, *tx) + " is already confirmed");
    default: return Events{};
  }
}

void EvolveBarrier(TccBarrier& barrier, const TccNames& names, TccPhase phase, const Event& event) {
  barrier.Record(EventString(event.payload, names.transaction_field.c_str()), phase, event.payload);
}

}  // namespace sagad::participants
