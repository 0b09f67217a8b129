#include "tests/simulation/checker.h"

#include <map>
#include <set>

#include "coordinator/commands_to_send.h"
#include "coordinator/register.h"
#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "core/runtime/state_loader.h"
#include "participants/sdk/payload.h"
#include "participants/sdk/step_barrier.h"

namespace sagad::simulation {
namespace {

using coordinator::SagaState;
using coordinator::SagaStatus;
using coordinator::TccState;
using coordinator::TccStatus;
using participants::EventString;

// What the participants' event logs say happened.
struct Ledger {
  std::map<std::string, int> done, undone;  // "<instance>/<step>"
  std::map<std::string, std::string> ref;   // ref of the Done
  std::map<std::string, std::string> ref_in;
  std::map<std::string, int> notified;  // "<instance>/<kind>"
  std::map<std::string, int> tried, confirmed, cancelled;  // by tx
  std::vector<Violation> refused;  // compensations and TCC settlements a participant refused
};

Ledger ReadLedger(EventStore& store, std::vector<Violation>& violations) {
  Ledger l;
  for (std::int64_t after = 0;;) {
    Result<std::vector<Event>> page = store.ReadAll(after, 4096);
    if (!page.ok()) {
      violations.push_back({"", "cannot read the participants' log: " + page.status().ToString()});
      return l;
    }
    if (page->empty()) return l;
    for (const Event& e : *page) {
      after = e.global_position;
      const Json& p = e.payload;
      std::string key = EventString(p, "instance") + "/" + EventString(p, "step");
      if (e.type == "Done") {
        l.done[key]++;
        l.ref[key] = EventString(p, "ref");
        if (p.contains("ref_in")) l.ref_in[key] = EventString(p, "ref_in");
      } else if (e.type == "Undone") {
        l.undone[key]++;
      } else if (e.type == "Notified") {
        l.notified[EventString(p, "instance") + "/" + EventString(p, "kind")]++;
      } else if (e.type == "HoldTried") {
        l.tried[EventString(p, "tx")]++;
      } else if (e.type == "HoldConfirmed") {
        l.confirmed[EventString(p, "tx")]++;
      } else if (e.type == "HoldCancelled") {
        l.cancelled[EventString(p, "tx")]++;
      } else if (e.type == participants::kCommandRefused) {
        std::string type = EventString(p, "command_type");
        if (type == "Undo" || type == "ConfirmHold" || type == "CancelHold") {
          l.refused.push_back({e.correlation_id, type + " " + e.command_id + " was refused by the participant: " +
                                                     EventString(p, "reason")});
        }
      }
    }
  }
}

class Checker {
 public:
  explicit Checker(const CheckInput& in) : in_(in) {
    (void)coordinator::RegisterCoordinatorAggregates(registry_, in.catalog);
  }

  CheckResult Run() {
    ledger_ = ReadLedger(*in_.participant_store, result_.violations);
    for (Violation& v : ledger_.refused) result_.violations.push_back(std::move(v));
    for (const Instance& instance : in_.instances) Check(instance);
    return std::move(result_);
  }

 private:
  void Fail(const std::string& instance, std::string what) { result_.violations.push_back({instance, std::move(what)}); }

  void Check(const Instance& instance) {
    StreamId stream{instance.aggregate_type, instance.id};
    Result<std::vector<Event>> events = in_.coordinator_store->ReadStream(stream, 1, 0);
    if (!events.ok() || events->empty()) {
      Fail(instance.id, "its start was acknowledged, but it has no events");
      return;
    }
    for (std::size_t i = 0; i < events->size(); ++i) {
      if ((*events)[i].version != static_cast<std::int64_t>(i) + 1) Fail(instance.id, "versions are not contiguous");
    }
    const AggregateBehavior& behavior = *registry_.Find(instance.aggregate_type);
    Result<LoadedState> loaded = LoadState(*in_.coordinator_store, behavior, stream);
    if (!loaded.ok()) {
      Fail(instance.id, "cannot load: " + loaded.status().ToString());
      return;
    }
    std::unique_ptr<StateBox> replayed = behavior.NewState();
    for (const Event& e : *events) behavior.Evolve(*replayed, e);
    if (behavior.Snapshot(*replayed) != behavior.Snapshot(*loaded->state)) {
      Fail(instance.id, "the state loaded from its snapshot differs from the replay of its events");
    }
    CheckSends(instance, *events);
    if (instance.aggregate_type == coordinator::saga::kAggregateType) {
      CheckSaga(instance, coordinator::SagaAggregate::Unbox(*replayed));
    } else {
      CheckTcc(instance, coordinator::TccAggregate::Unbox(*replayed));
    }
  }

  // Every command sent was issued by an event of the instance (with the
  // same id and attempt), and no forward command followed its compensation.
  void CheckSends(const Instance& instance, const std::vector<Event>& events) {
    std::set<std::pair<std::string, int>> issued;
    for (const Event& e : events) {
      if (!coordinator::IssuesCommand(e.type)) continue;
      issued.insert({EventString(e.payload, "command_id"), static_cast<int>(participants::EventInt(e.payload, "attempt", 1))});
    }
    std::map<std::string, std::uint64_t> compensated_at;  // forward command id -> first compensation sent
    for (const Sent& s : *in_.sent) {
      if (s.instance != instance.id) continue;
      if (!issued.count({s.command_id, s.attempt})) {
        Fail(instance.id, "sent " + s.command_type + " " + s.command_id + " attempt " + std::to_string(s.attempt) +
                              " without an event that issued it");
      }
      if (s.compensation && !compensated_at.count(s.forward_command_id)) compensated_at[s.forward_command_id] = s.order;
      auto undone = compensated_at.find(s.command_id);
      if (!s.compensation && undone != compensated_at.end() && s.order > undone->second) {
        Fail(instance.id, "forward command " + s.command_id + " sent again after its compensation");
      }
    }
  }

  void CheckFinals(const Instance& instance, const char* expected) {
    for (const char* kind : {"completed", "compensated"}) {
      int times = ledger_.notified[instance.id + "/" + kind];
      int want = instance.definition->finals && expected && std::string(expected) == kind ? 1 : 0;
      if (times != want) {
        Fail(instance.id, "final command on " + std::string(kind) + " applied " + std::to_string(times) +
                              " times, expected " + std::to_string(want));
      }
    }
  }

  void CheckSaga(const Instance& instance, const SagaState& s) {
    SagaStatus status = s.status();
    result_.outcomes["saga " + std::string(coordinator::SagaStatusName(status))]++;
    std::set<std::string> skipped;
    for (const coordinator::OperatorSkip& k : s.operator_skips) skipped.insert(k.step);
    for (const GeneratedStep& step : instance.definition->steps) {
      std::string key = instance.id + "/" + step.name;
      int done = ledger_.done[key], undone = ledger_.undone[key];
      if (done > 1 || undone > 1) {
        Fail(instance.id, "step " + step.name + " applied " + std::to_string(done) + " times, undone " +
                              std::to_string(undone) + " times");
      }
      if (step.ref_from && done > 0) {
        std::string want = ledger_.ref[instance.id + "/" + *step.ref_from];
        if (ledger_.ref_in[key] != want) {
          Fail(instance.id, "step " + step.name + " carried ref '" + ledger_.ref_in[key] + "', but " + *step.ref_from +
                                " produced '" + want + "'");
        }
      }
      if (skipped.count(step.name)) continue;  // the operator's word
      if (status == SagaStatus::kCompleted && (done != 1 || undone != 0)) {
        Fail(instance.id, "COMPLETED, but step " + step.name + " was applied " + std::to_string(done) +
                              " times and undone " + std::to_string(undone) + " times");
      }
      if (status == SagaStatus::kCompensated && step.compensable && done != undone) {
        Fail(instance.id, "COMPENSATED, but the effect of step " + step.name + " remains (applied " +
                              std::to_string(done) + ", undone " + std::to_string(undone) + ")");
      }
    }
    switch (status) {
      case SagaStatus::kCompleted: CheckFinals(instance, "completed"); break;
      case SagaStatus::kCompensated: CheckFinals(instance, "compensated"); break;
      case SagaStatus::kStuck:
        // Faults stopped long ago and an operator kept retrying it: an
        // instance that nothing refuses must have come unstuck.
        Fail(instance.id, "still STUCK after the faults stopped and an operator retried it: " + s.stuck_reason);
        break;
      case SagaStatus::kAborted: break;
      default: Fail(instance.id, "did not end: " + std::string(coordinator::SagaStatusName(status)));
    }
  }

  void CheckTcc(const Instance& instance, const TccState& s) {
    TccStatus status = s.status();
    result_.outcomes["tcc " + std::string(coordinator::TccStatusName(status))]++;
    for (const std::string& branch : instance.definition->branches) {
      std::string tx = participants::EventString(s.context, ("tx_" + branch).c_str());
      int tried = ledger_.tried[tx], confirmed = ledger_.confirmed[tx], cancelled = ledger_.cancelled[tx];
      std::string counts = " (tried " + std::to_string(tried) + ", confirmed " + std::to_string(confirmed) +
                           ", cancelled " + std::to_string(cancelled) + ")";
      if (tried > 1 || confirmed > 1 || cancelled > 1) Fail(instance.id, "branch " + branch + " applied twice" + counts);
      if (status == TccStatus::kConfirmed && (tried != 1 || confirmed != 1 || cancelled != 0)) {
        Fail(instance.id, "CONFIRMED, but branch " + branch + " is not tried and confirmed once" + counts);
      }
      if (status == TccStatus::kCancelled && (confirmed != 0 || tried != cancelled)) {
        Fail(instance.id, "CANCELLED, but branch " + branch + " still holds" + counts);
      }
    }
    switch (status) {
      case TccStatus::kConfirmed: CheckFinals(instance, "completed"); break;
      case TccStatus::kCancelled: CheckFinals(instance, "compensated"); break;
      case TccStatus::kStuck:
        Fail(instance.id, "still STUCK after the faults stopped and an operator retried it: " + s.reason);
        break;
      default: Fail(instance.id, "did not end: " + std::string(coordinator::TccStatusName(status)));
    }
  }

  const CheckInput& in_;
  AggregateRegistry registry_;
  Ledger ledger_;
  CheckResult result_;
};

}  // namespace

CheckResult CheckInvariants(const CheckInput& input) { return Checker(input).Run(); }

std::string History(EventStore& store, const std::string& aggregate_type, const std::string& id) {
  Result<std::vector<Event>> events = store.ReadStream({aggregate_type, id}, 1, 0);
  if (!events.ok()) return "  (cannot read: " + events.status().ToString() + ")\n";
  std::string out;
  for (const Event& e : *events) {
    out += "  " + std::to_string(e.version) + " " + e.type + " " + e.payload.dump() + "\n";
  }
  return out;
}

}  // namespace sagad::simulation
