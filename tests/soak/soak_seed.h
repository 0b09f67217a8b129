// The soak's seed: the sample's seed.json with every stock level and balance
// multiplied so that they last for the whole run. The sample's file is sized
// for its 2,000 orders; a soak places hundreds of thousands, and an order
// refused because the stock ran out would change the workload halfway
// through (shorter sagas, less memory), which is not what is measured.
// SKUs and customers at 0 stay at 0, so the orders refused on purpose keep
// being refused for the same reasons.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "samples/order-inventory-payment/driver/http_client.h"
#include "samples/order-inventory-payment/driver/workload.h"

namespace sagad::soak {

// Reads the sample's seed file and scales it for `starts` starts.
Result<Json> ScaledSeed(const std::string& sample_seed_path, std::uint64_t starts);

// The seed as the workload reads it (driver/workload.h).
sample::driver::SeedView ViewOf(const Json& seed);

// Sends the seed's commands to sagad (POST /v1/commands/<participant>/<type>).
Status ApplySeed(sample::driver::HttpClient& sagad, const Json& seed);

}  // namespace sagad::soak
