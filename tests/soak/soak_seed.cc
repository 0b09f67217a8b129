#include "tests/soak/soak_seed.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "samples/order-inventory-payment/sample_participants.h"
#include "samples/order-inventory-payment/seed.h"

namespace sagad::soak {
namespace {

// The sample's seed lasts for this many orders with room to spare (its
// README); scaled for twice as many per unit of stock, to stay clear of the
// end even when the random mix favours one SKU.
constexpr std::uint64_t kStartsPerSampleSeed = 1000;

void Scale(Json& section, std::int64_t factor) {
  for (Json& value : section) value = value.get<std::int64_t>() * factor;
}

std::vector<std::pair<std::string, std::int64_t>> Entries(const Json& seed, const char* section) {
  std::vector<std::pair<std::string, std::int64_t>> entries;
  if (!seed.contains(section)) return entries;
  for (auto it = seed[section].begin(); it != seed[section].end(); ++it) {
    entries.emplace_back(it.key(), it.value().get<std::int64_t>());
  }
  return entries;
}

}  // namespace

Result<Json> ScaledSeed(const std::string& sample_seed_path, std::uint64_t starts) {
  std::ifstream in(sample_seed_path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open the sample's seed file " + sample_seed_path);
  std::stringstream text;
  text << in.rdbuf();
  Result<Json> seed = ParseJson(text.str());
  if (!seed.ok()) return seed.status().WithContext(sample_seed_path);
  auto factor = static_cast<std::int64_t>(starts / kStartsPerSampleSeed + 1);
  for (const char* section : {"stock", "accounts"}) {
    if (seed->contains(section)) Scale((*seed)[section], factor);
  }
  return seed;
}

sample::driver::SeedView ViewOf(const Json& seed) {
  return {.stock = Entries(seed, "stock"), .accounts = Entries(seed, "accounts")};
}

Status ApplySeed(sample::driver::HttpClient& sagad, const Json& seed) {
  Result<std::vector<Command>> commands = sample::SeedCommands(seed);
  if (!commands.ok()) return commands.status();
  Result<std::vector<participants::Participant>> participants = sample::MakeSampleParticipants();
  if (!participants.ok()) return participants.status();
  for (const Command& c : *commands) {
    auto handler = std::find_if(participants->begin(), participants->end(),
                                [&](const participants::Participant& p) { return p.RouteOf(c.type) != nullptr; });
    if (handler == participants->end()) return Status::Internal("no sample participant handles " + c.type);
    std::string target = "/v1/commands/" + handler->name() + "/" + c.type;
    Result<sample::driver::HttpAnswer> answer =
        sagad.Post(target, Json{{"command_id", c.command_id}, {"target", c.target.id}, {"payload", c.payload}});
    if (!answer.ok()) return answer.status().WithContext("POST " + target);
    if (answer->status != 200 && answer->status != 201) {
      return Status::Internal("POST " + target + " answered " + std::to_string(answer->status) + ": " +
                              answer->body.dump());
    }
  }
  return Status::Ok();
}

}  // namespace sagad::soak
