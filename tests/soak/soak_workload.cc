#include "tests/soak/soak_workload.h"

#include "samples/order-inventory-payment/driver/invariants.h"

namespace sagad::soak {
namespace {

namespace driver = sample::driver;

// The connections work on neighbouring starts, so all but a few chunks are
// done with.
constexpr std::size_t kKeptChunks = 4;

}  // namespace

SoakWorkload::SoakWorkload(std::string run_id, driver::SeedView seed)
    : run_id_(std::move(run_id)), seed_(std::move(seed)) {
  // The same seed gives every chunk the same size (only the picks differ).
  chunk_size_ = Chunk(0)->sequence.size();
}

std::shared_ptr<const driver::Workload> SoakWorkload::Chunk(std::uint64_t number) {
  std::lock_guard lock(mu_);
  auto found = chunks_.find(number);
  if (found != chunks_.end()) return found->second;
  auto chunk = std::make_shared<const driver::Workload>(
      driver::MakeWorkload(run_id_ + "c" + std::to_string(number), seed_, kOrdersPerChunk, kTransfersPerChunk));
  chunks_.emplace(number, chunk);
  if (chunks_.size() > kKeptChunks) chunks_.erase(chunks_.begin());
  return chunk;
}

SagaStart SoakWorkload::At(std::uint64_t index) {
  std::shared_ptr<const driver::Workload> chunk = Chunk(index / chunk_size_);
  std::size_t n = chunk->sequence[index % chunk_size_];
  if (n < chunk->orders.size()) {
    const driver::OrderSpec& o = chunk->orders[n];
    return {"/v1/commands/order/PlaceOrder",
            Json{{"command_id", "place/" + o.order_id},
                 {"target", o.order_id},
                 {"payload", {{"customer_id", o.customer_id}, {"sku", o.sku}, {"qty", o.qty}, {"total", o.total}}}},
            driver::OrderSagaId(o.order_id)};
  }
  const driver::TransferSpec& t = chunk->transfers[n - chunk->orders.size()];
  return {"/v1/sagas/TransferMoney",
          Json{{"transfer_id", t.transfer_id}, {"from", t.from}, {"to", t.to}, {"amount", t.amount}},
          driver::TransferSagaId(t.transfer_id)};
}

}  // namespace sagad::soak
