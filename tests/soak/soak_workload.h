// The soak's starts, as many as the run needs: the sample's own workload
// (driver/workload.h: mostly ordinary orders, one in 20 each refused for a
// business reason, transfers among the customers) made in chunks from the
// run id and the chunk's number. Start i is the same whenever it is asked
// for, so the end of the run can list every saga again without the soak
// having kept them, and only a few chunks are in memory however long it runs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/json.h"
#include "samples/order-inventory-payment/driver/workload.h"

namespace sagad::soak {

// One start over the REST API: an order placed (its PlaceOrder saga starts
// from the order's event) or a TransferMoney transaction started.
struct SagaStart {
  std::string target;   // "/v1/commands/order/PlaceOrder", "/v1/sagas/TransferMoney"
  Json body;
  std::string saga_id;  // what GET /v1/sagas/{id} answers for
};

class SoakWorkload {
 public:
  // Each chunk has the sample driver's mix: ten orders per transfer.
  static constexpr std::size_t kOrdersPerChunk = 900;
  static constexpr std::size_t kTransfersPerChunk = 90;

  SoakWorkload(std::string run_id, sample::driver::SeedView seed);

  // No starts at all: a seed without stock or without accounts.
  bool empty() const { return chunk_size_ == 0; }
  // Thread-safe; not when empty.
  SagaStart At(std::uint64_t index);

 private:
  std::shared_ptr<const sample::driver::Workload> Chunk(std::uint64_t number);

  std::string run_id_;
  sample::driver::SeedView seed_;
  std::size_t chunk_size_;
  std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<const sample::driver::Workload>> chunks_;  // the latest few
};

}  // namespace sagad::soak
