#include "samples/order-inventory-payment/sample_participants.h"

#include "samples/order-inventory-payment/account.h"
#include "samples/order-inventory-payment/order.h"
#include "samples/order-inventory-payment/stock_item.h"

namespace sagad::sample {

Result<std::vector<participants::Participant>> MakeSampleParticipants() {
  participants::Participant inventory("inventory");
  SAGAD_RETURN_IF_ERROR(inventory.Add(MakeStockItemType(), {"AddStock", "ReserveStock", "ReleaseStock"}));

  participants::Participant payment("payment");
  SAGAD_RETURN_IF_ERROR(payment.Add(MakeAccountType(),
                                    {"OpenAccount", "Charge", "Refund", "TryDebit", "ConfirmDebit", "CancelDebit",
                                     "TryCredit", "ConfirmCredit", "CancelCredit"}));

  participants::Participant order("order");
  SAGAD_RETURN_IF_ERROR(order.Add(MakeOrderType(), {"PlaceOrder", "ApproveOrder", "RejectOrder"}));

  return std::vector<participants::Participant>{std::move(inventory), std::move(payment), std::move(order)};
}

}  // namespace sagad::sample
