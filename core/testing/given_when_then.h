// Specification-style tests for aggregates:
//
//   Spec(account).Given({{"Opened", {{"balance", 10}}}})
//                .When("Withdraw", {{"amount", 30}})
//                .ThenRejected("insufficient funds");
//
// Given replays events through Evolve; When runs Decide; Then compares the
// emitted events (type and payload) or the refusal. Pure: no store, no runtime.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/aggregate.h"

namespace sagad::testing {

class Spec {
 public:
  explicit Spec(const AggregateBehavior& behavior, std::string aggregate_id = "test-1")
      : behavior_(behavior), state_(behavior.NewState()), stream_{behavior.type(), std::move(aggregate_id)} {}

  Spec& Given(const std::vector<EventData>& events) {
    for (const EventData& data : events) {
      Event e;
      e.stream = stream_;
      e.version = ++version_;
      e.type = data.type;
      e.payload = data.payload;
      behavior_.Evolve(*state_, e);
    }
    return *this;
  }

  // Events as stored, with their command ids and metadata (what appliers
  // that look beyond type and payload read); stream and version are set here.
  Spec& GivenHistory(std::vector<Event> events) {
    for (Event& e : events) {
      e.stream = stream_;
      e.version = ++version_;
      behavior_.Evolve(*state_, e);
    }
    return *this;
  }

  Spec& When(Command command) {
    if (command.target.type.empty()) command.target = stream_;
    if (command.command_id.empty()) command.command_id = "cmd-" + std::to_string(++commands_);
    decision_ = std::make_unique<Decision>(behavior_.Decide(*state_, command));
    return *this;
  }
  Spec& When(const std::string& type, Json payload = Json::object()) {
    Command c;
    c.type = type;
    c.payload = std::move(payload);
    return When(std::move(c));
  }

  void Then(const std::vector<EventData>& expected) const {
    ASSERT_TRUE(decision_) << "When(...) was not called";
    ASSERT_TRUE(decision_->ok()) << "expected events, got " << decision_->status().ToString();
    const Events& got = decision_->value();
    ASSERT_EQ(got.size(), expected.size()) << "number of events";
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].type, expected[i].type) << "event " << i;
      EXPECT_EQ(got[i].payload, expected[i].payload) << "payload of event " << i << " (" << got[i].type << ")";
    }
  }

  void ThenNothing() const { Then({}); }

  void ThenRejected(const std::string& message_part = "") const { ThenFails(StatusCode::kRejected, message_part); }

  void ThenFails(StatusCode code, const std::string& message_part = "") const {
    ASSERT_TRUE(decision_) << "When(...) was not called";
    ASSERT_FALSE(decision_->ok()) << "expected " << StatusCodeName(code) << ", got "
                                  << decision_->value().size() << " events";
    EXPECT_EQ(decision_->status().code(), code) << decision_->status().ToString();
    EXPECT_NE(decision_->status().message().find(message_part), std::string::npos)
        << "message '" << decision_->status().message() << "' lacks '" << message_part << "'";
  }

  const StateBox& state() const { return *state_; }

 private:
  const AggregateBehavior& behavior_;
  std::unique_ptr<StateBox> state_;
  StreamId stream_;
  std::int64_t version_ = 0;
  int commands_ = 0;
  std::unique_ptr<Decision> decision_;
};

}  // namespace sagad::testing
