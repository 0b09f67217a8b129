#include "tests/simulation/sim_participants.h"

#include <map>
#include <set>

#include "participants/sdk/payload.h"
#include "participants/sdk/tcc_resource.h"

namespace sagad::simulation {
namespace {

using participants::EventString;

struct Ledger {
  std::map<std::string, std::string> done;  // "<instance>/<step>" -> ref
  std::set<std::string> undone;
  participants::TccBarrier holds;
};

std::string KeyOf(const Json& payload) {
  return EventString(payload, "instance") + "/" + EventString(payload, "step");
}

Decision Do(const Ledger&, const Command& c) {
  if (c.payload.value("refuse", false)) return Status::Rejected("refused by the simulation");
  Json done = {{"instance", EventString(c.payload, "instance")},
               {"step", EventString(c.payload, "step")},
               {"ref", RefOf(c.command_id)}};
  if (c.payload.contains("ref_in")) done["ref_in"] = c.payload["ref_in"];
  return Events{{"Done", std::move(done)}};
}

Decision Undo(const Ledger& l, const Command& c) {
  std::string key = KeyOf(c.payload);
  auto it = l.done.find(key);
  if (it == l.done.end()) return Status::Rejected("nothing to undo for " + key + " (the barrier should have answered)");
  if (l.undone.count(key)) return Status::Rejected(key + " is undone already");
  std::string ref = EventString(c.payload, "ref");
  if (ref != it->second) return Status::Rejected("wrong ref: undo of " + key + " carries '" + ref + "', Done produced '" + it->second + "'");
  return Events{{"Undone", {{"instance", EventString(c.payload, "instance")},
                            {"step", EventString(c.payload, "step")},
                            {"ref", ref}}}};
}

std::shared_ptr<AggregateDefinition<Ledger>> MakeLedgerType(const std::string& participant) {
  auto type = std::make_shared<AggregateDefinition<Ledger>>(LedgerType(participant));
  type->Handle("Do", Do)
      .Handle("Undo", Undo)
      .Handle("Notify",
              [](const Ledger&, const Command& c) -> Decision {
                return Events{{"Notified", {{"instance", EventString(c.payload, "instance")},
                                            {"kind", EventString(c.payload, "kind")}}}};
              })
      .Apply("Done", [](Ledger& l, const Event& e) { l.done[KeyOf(e.payload)] = EventString(e.payload, "ref"); })
      .Apply("Undone", [](Ledger& l, const Event& e) { l.undone.insert(KeyOf(e.payload)); });
  participants::AddTccResource(
      *type, participants::TccResource<Ledger>{
                 .names = {"Hold", "tx"},
                 .barrier = &Ledger::holds,
                 .try_work = [](const Ledger&, const Command& c) -> Result<Json> {
                   if (c.payload.value("refuse", false)) return Status::Rejected("try refused by the simulation");
                   return Json{{"instance", EventString(c.payload, "instance")},
                               {"branch", EventString(c.payload, "branch")}};
                 }});
  return type;
}

}  // namespace

std::string LedgerType(const std::string& participant) {
  std::string type = participant;
  if (!type.empty()) type[0] = static_cast<char>(type[0] - 'a' + 'A');
  return type + "Ledger";
}

std::string RefOf(const std::string& command_id) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : command_id) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return "ref-" + std::to_string(h % 1'000'000);
}

participants::Participant MakeSimParticipant(const std::string& name) {
  participants::Participant p(name);
  Status added = p.Add(MakeLedgerType(name), {"Do", "Undo", "Notify", "TryHold", "ConfirmHold", "CancelHold"});
  (void)added;  // cannot fail: a fresh participant, distinct command names
  return p;
}

}  // namespace sagad::simulation
