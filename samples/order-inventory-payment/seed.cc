#include "samples/order-inventory-payment/seed.h"

#include <fstream>
#include <sstream>

#include "participants/sdk/payload.h"

namespace sagad::sample {
namespace {

Command SeedCommand(const std::string& aggregate, const std::string& id, const std::string& type, Json payload,
                    const std::string& kind) {
  Command c;
  c.command_id = "seed/" + kind + "/" + id;
  c.target = {aggregate, id};
  c.type = type;
  c.payload = std::move(payload);
  return c;
}

// `section` must be an object of name -> integer in 0..kMaxUnits.
Status CheckSection(const Json& seed, const char* section) {
  auto it = seed.find(section);
  if (it == seed.end()) return Status::Ok();
  if (!it->is_object()) return Status::InvalidArgument(std::string("seed: '") + section + "' must be an object");
  for (const auto& [name, value] : it->items()) {
    if (name.empty() || !participants::UnitsIn(value, 0)) {
      return Status::InvalidArgument(std::string("seed: ") + section + "." + name +
                                     " must be an integer from 0 to 1e15 under a non-empty name");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Command>> SeedCommands(const Json& seed) {
  if (!seed.is_object()) return Status::InvalidArgument("seed: expected an object with 'stock' and 'accounts'");
  for (const auto& [key, _] : seed.items()) {
    if (key != "stock" && key != "accounts") {
      return Status::InvalidArgument("seed: unknown section '" + key + "' (expected 'stock' and 'accounts')");
    }
  }
  SAGAD_RETURN_IF_ERROR(CheckSection(seed, "stock"));
  SAGAD_RETURN_IF_ERROR(CheckSection(seed, "accounts"));

  std::vector<Command> out;
  if (seed.contains("stock")) {
    for (const auto& [sku, qty] : seed["stock"].items()) {
      if (qty.get<std::int64_t>() == 0) continue;
      out.push_back(SeedCommand("StockItem", sku, "AddStock", {{"qty", qty}}, "stock"));
    }
  }
  if (seed.contains("accounts")) {
    for (const auto& [account, balance] : seed["accounts"].items()) {
      out.push_back(SeedCommand("Account", account, "OpenAccount", {{"balance", balance}}, "account"));
    }
  }
  return out;
}

Result<std::vector<Command>> LoadSeed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("seed: cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  Result<Json> seed = ParseJson(text.str());
  if (!seed.ok()) return seed.status().WithContext("seed " + path);
  Result<std::vector<Command>> commands = SeedCommands(*seed);
  if (!commands.ok()) return commands.status().WithContext(path);
  return commands;
}

}  // namespace sagad::sample
