#include "samples/order-inventory-payment/driver/workload.h"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <random>

namespace sagad::sample::driver {
namespace {

// FNV-1a: a stable seed from the run id (std::hash may differ by library).
std::uint64_t StableHash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::size_t Pick(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

}  // namespace

std::int64_t UnitPrice(std::size_t sku_index) { return 25 + 50 * static_cast<std::int64_t>(sku_index); }

Workload MakeWorkload(const std::string& run_id, const std::vector<std::string>& skus,
                      const std::vector<std::string>& accounts, const std::vector<std::string>& payees,
                      std::size_t orders, std::size_t transfers) {
  std::mt19937_64 rng(StableHash(run_id));
  Workload w;
  if (!skus.empty() && !accounts.empty()) {
    for (std::size_t i = 0; i < orders; ++i) {
      std::size_t sku = Pick(rng, skus.size());
      std::int64_t qty = 1 + static_cast<std::int64_t>(Pick(rng, 3));
      w.orders.push_back({run_id + "-o" + std::to_string(i + 1), accounts[Pick(rng, accounts.size())], skus[sku], qty,
                          qty * UnitPrice(sku)});
    }
  }
  if (accounts.size() >= 2 && !payees.empty()) {
    for (std::size_t i = 0; i < transfers; ++i) {
      const std::string& to = payees[Pick(rng, payees.size())];
      std::vector<std::string> others;
      std::copy_if(accounts.begin(), accounts.end(), std::back_inserter(others),
                   [&](const std::string& a) { return a != to; });
      std::int64_t amount = 100 * (1 + static_cast<std::int64_t>(Pick(rng, 20)));
      w.transfers.push_back({run_id + "-t" + std::to_string(i + 1), others[Pick(rng, others.size())], to, amount});
    }
  }
  w.sequence.resize(w.orders.size() + w.transfers.size());
  std::iota(w.sequence.begin(), w.sequence.end(), 0);
  std::shuffle(w.sequence.begin(), w.sequence.end(), rng);
  return w;
}

}  // namespace sagad::sample::driver
