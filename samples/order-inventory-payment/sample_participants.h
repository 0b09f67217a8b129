// The sample's three participants, named as the .saga files name them:
//
//   inventory  StockItem  AddStock, ReserveStock, ReleaseStock
//   payment    Account    OpenAccount, Charge, Refund,
//                         TryDebit, ConfirmDebit, CancelDebit,
//                         TryCredit, ConfirmCredit, CancelCredit
//   order      Order      PlaceOrder, ApproveOrder, RejectOrder
//
// For `sagad --participant inventory=inproc`: register the participant's
// types into the runtime's registry, then give the coordinator an
// InProcessTransport for it (participants/sdk/README.md).
#pragma once

#include <vector>

#include "core/status.h"
#include "participants/sdk/participant.h"

namespace sagad::sample {

Result<std::vector<participants::Participant>> MakeSampleParticipants();

}  // namespace sagad::sample
