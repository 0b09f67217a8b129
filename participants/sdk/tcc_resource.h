// One TCC resource of an aggregate type (e.g. the debit side of an account):
// its Try/Confirm/Cancel handlers and its events' appliers, with the barrier
// (tcc_barrier.h) in front, so the aggregate only writes the business part.
//
//   struct Account { std::int64_t balance = 0, held = 0; TccBarrier debits; };
//
//   AddTccResource(account_type, TccResource<Account>{
//       .names = {"Debit", "transfer_id"},
//       .barrier = &Account::debits,
//       .try_work = [](const Account& a, const Command& c) -> Result<Json> {
//         ... return Json{{"amount", amount}};        // or Status::Rejected("insufficient funds")
//       },
//       .on_tried = [](Account& a, const Json& tried) { a.held += EventInt(tried, "amount"); },
//       .on_confirmed = ..., .on_cancelled = ...});
//
// Each on_* hook receives the Tried payload (Confirmed and Cancelled events
// carry it again), so settling needs no extra bookkeeping.
#pragma once

#include <functional>

#include "core/aggregate.h"
#include "participants/sdk/tcc_barrier.h"

namespace sagad::participants {

template <typename State>
struct TccResource {
  using Work = std::function<Result<Json>(const State&, const Command&)>;
  using Hook = std::function<void(State&, const Json& tried)>;

  TccNames names;
  TccBarrier State::*barrier = nullptr;
  Work try_work;  // see TryWork in tcc_barrier.h
  Hook on_tried, on_confirmed, on_cancelled;  // optional
};

template <typename State>
void AddTccResource(AggregateDefinition<State>& type, TccResource<State> resource) {
  const TccNames names = resource.names;
  auto barrier = resource.barrier;
  auto work = std::move(resource.try_work);
  type.Handle(names.TryCommand(),
              [=](const State& s, const Command& c) {
                return DecideTry(s.*barrier, names, c, [&] { return work(s, c); });
              })
      .Handle(names.ConfirmCommand(),
              [=](const State& s, const Command& c) { return DecideConfirm(s.*barrier, names, c); })
      .Handle(names.CancelCommand(),
              [=](const State& s, const Command& c) { return DecideCancel(s.*barrier, names, c); });

  auto apply = [&](const std::string& event, TccPhase phase, typename TccResource<State>::Hook hook) {
    type.Apply(event, [=](State& s, const Event& e) {
      EvolveBarrier(s.*barrier, names, phase, e);
      if (hook) hook(s, e.payload);
    });
  };
  apply(names.TriedEvent(), TccPhase::kTried, std::move(resource.on_tried));
  apply(names.ConfirmedEvent(), TccPhase::kConfirmed, std::move(resource.on_confirmed));
  apply(names.CancelledEvent(), TccPhase::kCancelled, std::move(resource.on_cancelled));
  apply(names.TombstoneEvent(), TccPhase::kCancelledBeforeTry, nullptr);
}

}  // namespace sagad::participants
