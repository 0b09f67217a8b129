// Helpers shared by the HTTP transport's tests: a command, and sending it
// with a bounded wait for the reply.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "coordinator/transport.h"

namespace sagad::participants::httptest {

// Generous: only a hung transport ever gets near it.
inline constexpr std::chrono::seconds kReplyWait{20};

inline coordinator::OutgoingCommand Command(std::string id, std::string type = "ReserveStock",
                                            Json payload = Json{{"order_id", "o-1"}, {"qty", 3}},
                                            std::string target = "sku-1") {
  coordinator::OutgoingCommand c;
  c.command_id = std::move(id);
  c.participant = "inventory";
  c.command_type = std::move(type);
  c.target = std::move(target);
  c.payload = std::move(payload);
  c.correlation_id = "saga-1";
  return c;
}

// Sends and returns a future for the reply. A second reply to the same send
// fails the test: the contract is exactly one.
inline std::future<coordinator::Reply> SendAsync(coordinator::Transport& transport,
                                                 const coordinator::OutgoingCommand& command) {
  struct Slot {
    std::promise<coordinator::Reply> promise;
    std::atomic<int> replies{0};
  };
  auto slot = std::make_shared<Slot>();
  std::future<coordinator::Reply> future = slot->promise.get_future();
  transport.Send(command, [slot, id = command.command_id](coordinator::Reply r) {
    if (slot->replies.fetch_add(1) > 0) {
      ADD_FAILURE() << "second reply to " << id << ": " << r.reason;
      return;
    }
    slot->promise.set_value(std::move(r));
  });
  return future;
}

inline coordinator::Reply Await(std::future<coordinator::Reply>& future) {
  if (future.wait_for(kReplyWait) != std::future_status::ready) {
    ADD_FAILURE() << "no reply within " << kReplyWait.count() << " s";
    coordinator::Reply none;
    none.reason = "test: no reply";
    return none;
  }
  return future.get();
}

inline coordinator::Reply SendAndWait(coordinator::Transport& transport, const coordinator::OutgoingCommand& command) {
  std::future<coordinator::Reply> future = SendAsync(transport, command);
  return Await(future);
}

}  // namespace sagad::participants::httptest
