// The simulated participants: real SDK participants (participants/sdk, with
// recorded refusals, the step barrier and the TCC barrier in front) whose
// aggregates keep a ledger of effects per (instance, step or branch). They
// run on their own runtime and store, as a separate service would, and stay
// up when the coordinator crashes.
//
//   Do {instance, step, refuse, ref_in?}   -> Done {instance, step, ref, ref_in}  (refuse: refused)
//   Undo {instance, step, ref}             -> Undone {instance, step, ref}
//                                             (refused if the ref is not the one Done produced,
//                                              or if nothing was done: the barrier should have answered)
//   Notify {instance, kind}                -> Notified {instance, kind}
//   TryHold / ConfirmHold / CancelHold {tx, instance?, branch?, refuse?} (the TCC barrier's resource "Hold")
#pragma once

#include <memory>
#include <string>

#include "participants/sdk/participant.h"

namespace sagad::simulation {

// "AlphaLedger" for participant "alpha", and so on.
std::string LedgerType(const std::string& participant);

// The ref a Done carries: derived from the command id, so the checker can
// tell which command produced it.
std::string RefOf(const std::string& command_id);

participants::Participant MakeSimParticipant(const std::string& name);

}  // namespace sagad::simulation
