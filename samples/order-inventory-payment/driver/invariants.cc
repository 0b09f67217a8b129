#include "samples/order-inventory-payment/driver/invariants.h"

#include <numeric>
#include <set>

#include "participants/sdk/payload.h"

namespace sagad::sample::driver {
namespace {

using participants::EventInt;
using participants::EventString;

std::string Count(std::size_t n, const std::string& what) { return std::to_string(n) + " " + what; }

// Per order of the run, what the accounts' events say was paid.
struct Payments {
  int charges = 0;
  int refunds = 0;
  std::int64_t charged = 0;
  std::int64_t refunded = 0;
};

class Checker {
 public:
  explicit Checker(const RunFacts& f) : f_(f) {
    for (const OrderSpec& o : f.orders) run_orders_.insert(o.order_id);
    for (const auto& [id, order] : f.order_states) {
      if (order.status == OrderStatus::kApproved) {
        approved_units_[order.sku] += order.qty;
        approved_cost_ += order.total;
      }
    }
    for (const auto& [account, events] : f.after.account_events) {
      for (const Event& e : events) {
        std::string order = EventString(e.payload, "order_id");
        if (!run_orders_.contains(order)) continue;
        Payments& p = payments_[account][order];
        if (e.type == "PaymentCharged") {
          ++p.charges;
          p.charged += EventInt(e.payload, "amount");
        } else if (e.type == "PaymentRefunded") {
          ++p.refunds;
          p.refunded += EventInt(e.payload, "amount");
        }
      }
    }
    for (const TransferSpec& t : f.transfers) {
      auto it = f.instances.find(TransferSagaId(t.transfer_id));
      if (it == f.instances.end() || it->second.status != "CONFIRMED") continue;
      transferred_[t.from] -= t.amount;
      transferred_[t.to] += t.amount;
    }
  }

  Check Stock() const {
    Check c{"stock: baseline = available + reserved for approved orders", Count(f_.before.stock.size(), "SKUs"), {}};
    for (const auto& [sku, before] : f_.before.stock) {
      const StockItem& after = At(f_.after.stock, sku);
      std::int64_t approved = Find(approved_units_, sku);
      std::int64_t held = 0;
      for (const auto& [order, r] : after.reservations) {
        if (run_orders_.contains(order) && !r.released) held += r.qty;
      }
      if (before.available != after.available + approved || held != approved) {
        c.problems.push_back(sku + ": baseline " + std::to_string(before.available) + " available, now " +
                             std::to_string(after.available) + " available + " + std::to_string(approved) +
                             " for approved orders; reservations held by this run's orders: " + std::to_string(held));
      }
    }
    return c;
  }

  Check Accounts() const {
    Check c{"accounts: baseline - charged + refunded +/- transfers = balance",
            Count(f_.before.accounts.size(), "accounts"), {}};
    for (const auto& [id, before] : f_.before.accounts) {
      const Account& after = At(f_.after.accounts, id);
      std::int64_t charged = 0, refunded = 0;
      if (auto it = payments_.find(id); it != payments_.end()) {
        for (const auto& [_, p] : it->second) {
          charged += p.charged;
          refunded += p.refunded;
        }
      }
      std::int64_t transfers = Find(transferred_, id);
      std::int64_t expected = before.balance - charged + refunded + transfers;
      if (expected != after.balance) {
        c.problems.push_back(id + ": " + std::to_string(before.balance) + " - " + std::to_string(charged) + " + " +
                             std::to_string(refunded) + " " + (transfers < 0 ? "- " : "+ ") +
                             std::to_string(std::abs(transfers)) + " = " + std::to_string(expected) + ", balance is " +
                             std::to_string(after.balance));
      }
      if (after.held != before.held || after.incoming != before.incoming) {
        c.problems.push_back(id + ": transfers left money held (" + std::to_string(after.held) + " debits, " +
                             std::to_string(after.incoming) + " credits; " + std::to_string(before.held) + " and " +
                             std::to_string(before.incoming) + " at baseline)");
      }
    }
    return c;
  }

  Check Orders() const {
    Check c{"orders: every order APPROVED or REJECTED, as its saga ended", Count(f_.orders.size(), "orders"), {}};
    for (const OrderSpec& o : f_.orders) {
      auto state = f_.order_states.find(o.order_id);
      OrderStatus status = state == f_.order_states.end() ? OrderStatus::kNew : state->second.status;
      auto saga = f_.instances.find(OrderSagaId(o.order_id));
      std::string saga_status = saga == f_.instances.end() ? "" : saga->second.status;
      bool approved = status == OrderStatus::kApproved && saga_status == "COMPLETED";
      bool rejected = status == OrderStatus::kRejected && saga_status == "COMPENSATED";
      if (!approved && !rejected) {
        c.problems.push_back(o.order_id + " is " + Name(status) + ", its saga " +
                             (saga_status.empty() ? "never started" : saga_status));
        c.sagas.push_back(OrderSagaId(o.order_id));
      }
    }
    return c;
  }

  Check Charges() const {
    Check c{"charges: no order charged twice (approved: once, rejected: none)", Count(f_.orders.size(), "orders"), {}};
    for (const OrderSpec& o : f_.orders) {
      Payments total;
      for (const auto& [_, orders] : payments_) {
        if (auto it = orders.find(o.order_id); it != orders.end()) {
          total.charges += it->second.charges;
          total.refunds += it->second.refunds;
        }
      }
      auto state = f_.order_states.find(o.order_id);
      int expected = state != f_.order_states.end() && state->second.status == OrderStatus::kApproved ? 1 : 0;
      if (total.charges > 1 || total.charges - total.refunds != expected) {
        c.problems.push_back(o.order_id + " (" + (expected ? "approved" : "not approved") + "): charged " +
                             std::to_string(total.charges) + " times, refunded " + std::to_string(total.refunds));
        c.sagas.push_back(OrderSagaId(o.order_id));
      }
    }
    return c;
  }

  Check Money() const {
    Check c{"money: sum of balances = baseline - approved orders", Count(f_.before.accounts.size(), "accounts"), {}};
    std::int64_t before = Sum(f_.before.accounts);
    std::int64_t after = Sum(f_.after.accounts);
    if (after != before - approved_cost_) {
      c.problems.push_back("baseline " + std::to_string(before) + " - approved orders " +
                           std::to_string(approved_cost_) + " = " + std::to_string(before - approved_cost_) +
                           ", balances add up to " + std::to_string(after));
    }
    return c;
  }

 private:
  template <typename V>
  static V At(const std::map<std::string, V>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? V{} : it->second;
  }
  static std::int64_t Find(const std::map<std::string, std::int64_t>& m, const std::string& key) { return At(m, key); }
  static std::int64_t Sum(const std::map<std::string, Account>& accounts) {
    return std::accumulate(accounts.begin(), accounts.end(), std::int64_t{0},
                           [](std::int64_t s, const auto& a) { return s + a.second.balance; });
  }
  static std::string Name(OrderStatus s) {
    switch (s) {
      case OrderStatus::kNew: return "missing";
      case OrderStatus::kPlaced: return "PLACED";
      case OrderStatus::kApproved: return "APPROVED";
      case OrderStatus::kRejected: return "REJECTED";
    }
    return "?";
  }

  const RunFacts& f_;
  std::set<std::string> run_orders_;
  std::map<std::string, std::int64_t> approved_units_;  // by SKU
  std::int64_t approved_cost_ = 0;
  std::map<std::string, std::map<std::string, Payments>> payments_;  // account -> order -> payments
  std::map<std::string, std::int64_t> transferred_;                  // account -> net confirmed transfers
};

}  // namespace

std::string OrderSagaId(const std::string& order_id) { return "PlaceOrder:" + order_id; }
std::string TransferSagaId(const std::string& transfer_id) { return "TransferMoney:" + transfer_id; }

std::vector<Check> CheckInvariants(const RunFacts& facts) {
  Checker checker(facts);
  return {checker.Stock(), checker.Accounts(), checker.Orders(), checker.Charges(), checker.Money()};
}

}  // namespace sagad::sample::driver
