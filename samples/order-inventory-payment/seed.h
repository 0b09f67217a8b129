// Seeding the sample: stock levels and account balances from a JSON file
// (seed.json beside this file; format in README.md), as commands a driver
// sends to the runtime before starting sagas.
//
// Command ids are derived from the item ("seed/stock/<sku>",
// "seed/account/<id>"), so seeding twice into the same store applies once.
#pragma once

#include <string>
#include <vector>

#include "core/envelope.h"
#include "core/status.h"

namespace sagad::sample {

// AddStock per SKU with a positive count (a count of 0 sends nothing: the
// item simply has no stock) and OpenAccount per account. InvalidArgument,
// naming the entry, for anything else than the documented format.
Result<std::vector<Command>> SeedCommands(const Json& seed);

// Reads and parses `path`, then SeedCommands.
Result<std::vector<Command>> LoadSeed(const std::string& path);

}  // namespace sagad::sample
