#include "samples/order-inventory-payment/driver/workload.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "samples/order-inventory-payment/account.h"

namespace sagad::sample::driver {
namespace {

// One order in kShareOfEach of each refused kind (see workload.h).
constexpr std::size_t kShareOfEach = 20;
constexpr std::size_t kShareOfBrokeTransfers = 10;

// FNV-1a: a stable seed from the run id (std::hash may differ by library).
std::uint64_t StableHash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::size_t Pick(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

// Indexes into a seed section, split by whether the value is zero.
struct Split {
  std::vector<std::size_t> with, without;
  explicit Split(const std::vector<std::pair<std::string, std::int64_t>>& section) {
    for (std::size_t i = 0; i < section.size(); ++i) (section[i].second > 0 ? with : without).push_back(i);
    // A seed with nothing in stock (or no money anywhere) still gets orders:
    // every one of them is then refused, as it would be.
    if (with.empty()) std::swap(with, without);
  }
};

}  // namespace

std::int64_t UnitPrice(std::size_t sku_index) { return 250 + 500 * static_cast<std::int64_t>(sku_index); }

Workload MakeWorkload(const std::string& run_id, const SeedView& seed, std::size_t orders, std::size_t transfers) {
  std::mt19937_64 rng(StableHash(run_id));
  Workload w;
  Split skus(seed.stock), customers(seed.accounts);
  auto pick = [&](const std::vector<std::size_t>& from) { return from[Pick(rng, from.size())]; };
  if (!seed.stock.empty() && !seed.accounts.empty()) {
    for (std::size_t i = 0; i < orders; ++i) {
      std::size_t kind = Pick(rng, kShareOfEach);
      bool sold_out = kind == 0 && !skus.without.empty();
      bool broke = kind == 1 && !customers.without.empty();
      bool bulk = kind == 2;
      std::size_t sku = pick(sold_out ? skus.without : skus.with);
      std::size_t customer = pick(broke ? customers.without : customers.with);
      std::int64_t price = UnitPrice(sku);
      // Bulk: just enough units to go over the limit, and a few more.
      std::int64_t qty = bulk ? kPaymentLimit / price + 1 + static_cast<std::int64_t>(Pick(rng, 4))
                              : 1 + static_cast<std::int64_t>(Pick(rng, 3));
      w.orders.push_back({run_id + "-o" + std::to_string(i + 1), seed.accounts[customer].first,
                          seed.stock[sku].first, qty, qty * price});
    }
  }
  // Payees are customers with money (so one without stays without); the
  // payer is another one, or now and then a customer without money.
  std::vector<std::size_t> payees;
  for (std::size_t i : customers.with) {
    if (seed.accounts[i].second > 0) payees.push_back(i);
  }
  for (std::size_t i = 0; i < transfers && !payees.empty(); ++i) {
    std::size_t to = pick(payees);
    std::vector<std::size_t> others;
    std::copy_if(payees.begin(), payees.end(), std::back_inserter(others), [&](std::size_t a) { return a != to; });
    bool broke = !customers.without.empty() && (others.empty() || Pick(rng, kShareOfBrokeTransfers) == 0);
    if (!broke && others.empty()) break;  // one account alone cannot pay itself
    std::size_t from = pick(broke ? customers.without : others);
    std::int64_t amount = 100 * (1 + static_cast<std::int64_t>(Pick(rng, 20)));
    w.transfers.push_back(
        {run_id + "-t" + std::to_string(i + 1), seed.accounts[from].first, seed.accounts[to].first, amount});
  }
  w.sequence.resize(w.orders.size() + w.transfers.size());
  std::iota(w.sequence.begin(), w.sequence.end(), 0);
  std::shuffle(w.sequence.begin(), w.sequence.end(), rng);
  return w;
}

}  // namespace sagad::sample::driver
