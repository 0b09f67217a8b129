// InProcessTransport: the coordinator reaches a participant whose aggregates
// run on an AggregateRuntime in the same process (`--participant NAME=inproc`).
//
//   Participant inventory = ...;
//   SAGAD_RETURN_IF_ERROR(inventory.RegisterInto(registry));
//   auto runtime = AggregateRuntime::Start(store, &registry, options);
//   InProcessTransport transport(inventory, runtime->get());
//   transport.Send(outgoing, [](Reply r) { ... });
//
// Each OutgoingCommand becomes a core Command on the aggregate its type is
// routed to (target = {routed type, command.target}), with the command id
// kept (the runtime answers a known id again without applying it twice),
// correlation = the saga id and causation = the command id. The runtime's
// answer becomes a Reply as command_reply.h describes, once the events are
// durable.
#pragma once

#include <memory>

#include "coordinator/transport.h"
#include "core/runtime/aggregate_runtime.h"
#include "participants/sdk/participant.h"

namespace sagad::participants {

class InProcessTransport final : public coordinator::Transport {
 public:
  // `participant`'s types must be registered in the runtime's registry.
  // `runtime` must outlive the transport.
  InProcessTransport(Participant participant, AggregateRuntime* runtime);
  ~InProcessTransport() override;

  // Answers at once, kFailure, a command for another participant or of a
  // type this participant has no route for; kTransient after Stop.
  void Send(const coordinator::OutgoingCommand& command, coordinator::ReplyCallback on_reply) override;
  // Commands still in flight are answered kTransient now; the runtime may
  // still apply them (the coordinator's resend with the same id is harmless).
  void Stop() override;

 private:
  class Pending;  // shared with the runtime's callbacks, which may outlive the transport

  Participant participant_;
  AggregateRuntime* runtime_;
  std::shared_ptr<Pending> pending_;
};

}  // namespace sagad::participants
