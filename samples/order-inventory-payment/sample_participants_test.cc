// The sample participants against the sample's .saga files: every command
// the files send is routed, and each saga's happy and failure paths, played
// by hand (the commands built from the definitions with the coordinator's
// BuildCommand, sent through InProcessTransport to a real runtime), give the
// events the definitions expect and keep stock and money conserved.
#include "samples/order-inventory-payment/sample_participants.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "coordinator/outgoing_command.h"
#include "core/store/memory/memory_event_store.h"
#include "participants/sdk/guarded_type.h"
#include "participants/sdk/in_process_transport.h"
#include "saga-dsl/compile.h"
#include "samples/order-inventory-payment/account.h"
#include "samples/order-inventory-payment/order.h"
#include "samples/order-inventory-payment/stock_item.h"

namespace sagad::sample {
namespace {

using coordinator::Reply;
using participants::InProcessTransport;
using participants::Participant;

dsl::Definition LoadDefinition(const std::string& file) {
  std::ifstream in("sagas/" + file);  // tests run in this folder
  std::stringstream text;
  text << in.rdbuf();
  dsl::CompileResult compiled = dsl::Compile(text.str(), file);
  EXPECT_TRUE(compiled.ok() && compiled.definitions.size() == 1) << file;
  return compiled.definitions.empty() ? dsl::Definition{} : compiled.definitions[0];
}

std::vector<const dsl::CommandSpec*> CommandsOf(const dsl::Definition& d) {
  std::vector<const dsl::CommandSpec*> out;
  for (const dsl::Step& step : d.steps) {
    out.push_back(&step.send);
    if (step.compensate) out.push_back(&*step.compensate);
  }
  for (const dsl::TccBranch& branch : d.branches) {
    for (const dsl::CommandSpec* c : {&branch.try_command, &branch.confirm, &branch.cancel}) out.push_back(c);
  }
  for (const auto* final_command : {&d.on_completed, &d.on_compensated}) {
    if (*final_command) out.push_back(&**final_command);
  }
  return out;
}

bool Lists(const std::vector<dsl::QualifiedName>& names, const std::string& event_type) {
  for (const dsl::QualifiedName& n : names) {
    if (n.name == event_type) return true;
  }
  return false;
}

class SampleTest : public ::testing::Test {
 protected:
  SampleTest() {
    Result<std::vector<Participant>> participants = MakeSampleParticipants();
    EXPECT_TRUE(participants.ok()) << participants.status().ToString();
    for (const Participant& p : *participants) EXPECT_TRUE(p.RegisterInto(registry_).ok()) << p.name();
    RuntimeOptions options;
    options.shards = 2;
    runtime_ = std::move(AggregateRuntime::Start(&store_, &registry_, options)).value();
    for (Participant& p : *participants) {
      std::string name = p.name();
      transports_[name] = std::make_unique<InProcessTransport>(std::move(p), runtime_.get());
    }
    Run("StockItem", "sku-apple", "AddStock", {{"qty", 10}});
    Run("Account", "alice", "OpenAccount", {{"balance", 1000}});
    Run("Account", "bob", "OpenAccount", {{"balance", 50}});
  }
  ~SampleTest() override {
    for (auto& [_, transport] : transports_) transport->Stop();
    runtime_->Stop();
  }

  // A command straight on the runtime (what a driver or the HTTP API does).
  std::vector<Event> Run(const std::string& type, const std::string& id, const std::string& command, Json payload) {
    Command c{.command_id = "driver/" + std::to_string(++commands_), .target = {type, id}, .type = command,
              .payload = std::move(payload)};
    CommandResult r = runtime_->Send(std::move(c)).get();
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    return r.events;
  }

  // What the coordinator would do for `spec`: build it on `context`, send it.
  Reply Send(const dsl::CommandSpec& spec, const Json& context) {
    Result<coordinator::OutgoingCommand> c =
        coordinator::BuildCommand(spec, context, "cmd-" + std::to_string(++commands_), "saga-1");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return Reply{};
    auto reply = std::make_shared<std::promise<Reply>>();
    std::future<Reply> answered = reply->get_future();
    transports_.at(c->participant)->Send(*c, [reply](Reply r) { reply->set_value(std::move(r)); });
    return answered.get();
  }

  template <typename State>
  State Replay(const std::string& type, const std::string& id) {
    const AggregateBehavior* behavior = registry_.Find(type);
    std::unique_ptr<StateBox> box = behavior->NewState();
    Result<std::vector<Event>> events = store_.ReadStream({type, id}, 1, 0);
    EXPECT_TRUE(events.ok());
    for (const Event& e : *events) behavior->Evolve(*box, e);
    return AggregateDefinition<State>::Unbox(participants::InnerState(*box));  // the participant's guard around it
  }

  // Places order o-1 and returns the saga's start context (the OrderPlaced payload).
  Json PlaceOrder(std::int64_t total) {
    std::vector<Event> placed = Run("Order", "o-1", "PlaceOrder",
                                    {{"customer_id", "alice"}, {"sku", "sku-apple"}, {"qty", 3}, {"total", total}});
    EXPECT_EQ(placed.size(), 1u);
    Json context = placed.empty() ? Json::object() : placed[0].payload;
    context["saga_id"] = "o-1";
    return context;
  }

  AggregateRegistry registry_;
  MemoryEventStore store_;
  std::unique_ptr<AggregateRuntime> runtime_;
  std::map<std::string, std::unique_ptr<InProcessTransport>> transports_;
  int commands_ = 0;
};

TEST_F(SampleTest, EveryCommandTheSagaFilesSendIsRouted) {
  Result<std::vector<Participant>> participants = MakeSampleParticipants();
  ASSERT_TRUE(participants.ok());
  for (const char* file : {"place_order.saga", "transfer.saga"}) {
    // Kept alive for the loop: CommandsOf points into it (a temporary here was
    // freed before the loop ran; found by ASan).
    const dsl::Definition definition = LoadDefinition(file);
    for (const dsl::CommandSpec* spec : CommandsOf(definition)) {
      const Participant* p = nullptr;
      for (const Participant& candidate : *participants) {
        if (candidate.name() == spec->participant()) p = &candidate;
      }
      ASSERT_NE(p, nullptr) << file << ": no participant " << spec->participant();
      EXPECT_NE(p->RouteOf(spec->command_type()), nullptr) << file << ": " << spec->command.ToString();
    }
  }
}

TEST_F(SampleTest, PlaceOrderHappyPathGivesEachStepsSuccessEvent) {
  dsl::Definition saga = LoadDefinition("place_order.saga");
  Json context = PlaceOrder(300);
  for (const dsl::Step& step : saga.steps) {
    Reply r = Send(step.send, context);
    ASSERT_EQ(r.outcome, Reply::Outcome::kEvent) << step.name << ": " << r.reason;
    EXPECT_TRUE(Lists(step.success, r.event_type)) << step.name << " answered " << r.event_type;
    for (const std::string& field : step.capture) {
      ASSERT_TRUE(r.data.contains(field)) << step.name << " must capture " << field;
      context[step.name][field] = r.data[field];
    }
  }
  EXPECT_EQ(Replay<StockItem>("StockItem", "sku-apple").available, 7);
  EXPECT_EQ(Replay<Account>("Account", "alice").balance, 700);
  EXPECT_EQ(Replay<Order>("Order", "o-1").status, OrderStatus::kApproved);

  // The compensations would undo it all, with what was captured.
  for (auto step = saga.steps.rbegin(); step != saga.steps.rend(); ++step) {
    if (step->compensate) {
      EXPECT_EQ(Send(*step->compensate, context).outcome, Reply::Outcome::kEvent) << step->name;
    }
  }
  EXPECT_EQ(Replay<StockItem>("StockItem", "sku-apple").available, 10);
  EXPECT_EQ(Replay<Account>("Account", "alice").balance, 1000);
}

TEST_F(SampleTest, DeclinedPaymentIsTheStepsFailureAndCompensationRestoresStock) {
  dsl::Definition saga = LoadDefinition("place_order.saga");
  Json context = PlaceOrder(5000);  // alice has 1000
  const dsl::Step& reserve = saga.steps.at(0);
  const dsl::Step& charge = saga.steps.at(1);
  ASSERT_EQ(Send(reserve.send, context).outcome, Reply::Outcome::kEvent);

  Reply declined = Send(charge.send, context);
  ASSERT_EQ(declined.outcome, Reply::Outcome::kEvent);
  EXPECT_TRUE(Lists(charge.failure, declined.event_type)) << declined.event_type;
  EXPECT_EQ(declined.reason, "insufficient funds: 1000 available, 5000 asked");

  context["failure"] = {{"step", charge.name}, {"reason", declined.reason}};
  Reply released = Send(*reserve.compensate, context);
  EXPECT_EQ(released.event_type, "StockReleased");
  Reply rejected = Send(*saga.on_compensated, context);
  EXPECT_EQ(rejected.event_type, "OrderRejected");

  EXPECT_EQ(Replay<StockItem>("StockItem", "sku-apple").available, 10);
  EXPECT_EQ(Replay<Account>("Account", "alice").balance, 1000);
  Order order = Replay<Order>("Order", "o-1");
  EXPECT_EQ(order.status, OrderStatus::kRejected);
  EXPECT_EQ(order.rejection_reason, declined.reason);
}

TEST_F(SampleTest, OutOfStockIsTheReserveStepsFailure) {
  dsl::Definition saga = LoadDefinition("place_order.saga");
  Json context = PlaceOrder(300);
  context["qty"] = 11;
  Reply r = Send(saga.steps.at(0).send, context);
  ASSERT_EQ(r.outcome, Reply::Outcome::kEvent);
  EXPECT_TRUE(Lists(saga.steps.at(0).failure, r.event_type)) << r.event_type;
  EXPECT_EQ(Replay<StockItem>("StockItem", "sku-apple").available, 10);
}

TEST_F(SampleTest, TransferConfirmsEveryBranchAndMovesTheMoney) {
  dsl::Definition tcc = LoadDefinition("transfer.saga");
  Json input = {{"transfer_id", "t-1"}, {"from", "alice"}, {"to", "bob"}, {"amount", 300}, {"saga_id", "t-1"}};
  for (const dsl::TccBranch& b : tcc.branches) {
    EXPECT_EQ(Send(b.try_command, input).outcome, Reply::Outcome::kEvent) << b.name;
  }
  for (const dsl::TccBranch& b : tcc.branches) {
    EXPECT_EQ(Send(b.confirm, input).outcome, Reply::Outcome::kEvent) << b.name;
    EXPECT_EQ(Send(b.confirm, input).outcome, Reply::Outcome::kSuccess) << b.name << ": a repeat is a no-op";
  }
  EXPECT_EQ(Replay<Account>("Account", "alice").balance, 700);
  EXPECT_EQ(Replay<Account>("Account", "bob").balance, 350);
}

TEST_F(SampleTest, TransferRefusedByOneBranchIsCancelledOnBothAndALateTryIsRefused) {
  dsl::Definition tcc = LoadDefinition("transfer.saga");
  Json input = {{"transfer_id", "t-2"}, {"from", "bob"}, {"to", "alice"}, {"amount", 80}, {"saga_id", "t-2"}};
  const dsl::TccBranch& debit = tcc.branches.at(0);
  const dsl::TccBranch& credit = tcc.branches.at(1);
  Reply refused = Send(debit.try_command, input);
  EXPECT_EQ(refused.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(refused.reason, "insufficient funds: 50 available, 80 asked");
  EXPECT_EQ(Send(credit.try_command, input).outcome, Reply::Outcome::kEvent);

  EXPECT_EQ(Send(debit.cancel, input).event_type, "DebitCancelledBeforeTry");
  EXPECT_EQ(Send(credit.cancel, input).event_type, "CreditCancelled");

  Run("Account", "bob", "TryCredit", {{"transfer_id", "other"}, {"amount", 100}});
  Run("Account", "bob", "ConfirmCredit", {{"transfer_id", "other"}});
  Reply late = Send(debit.try_command, input);  // bob could pay now: the tombstone still refuses
  EXPECT_EQ(late.outcome, Reply::Outcome::kFailure);
  EXPECT_NE(late.reason.find("cancelled before this try arrived"), std::string::npos) << late.reason;
  EXPECT_EQ(Replay<Account>("Account", "bob").balance, 150);
  EXPECT_EQ(Replay<Account>("Account", "bob").held, 0);
  EXPECT_EQ(Replay<Account>("Account", "alice").balance, 1000);
}

}  // namespace
}  // namespace sagad::sample
