#include "participants/sdk/command_reply.h"

#include "participants/sdk/payload.h"
#include "participants/sdk/step_barrier.h"

namespace sagad::participants {

using coordinator::Reply;

Reply ReplyFor(const std::string& participant, const std::string& command_type, const CommandResult& result) {
  Reply reply;
  const Status& status = result.status;
  if (status.ok()) {
    if (result.events.empty()) {
      reply.outcome = Reply::Outcome::kSuccess;
      return reply;
    }
    const Event& last = result.events.back();
    if (last.type == kCommandRefused) {  // a recorded refusal, first time or repeat
      reply.outcome = Reply::Outcome::kFailure;
      reply.reason = EventString(last.payload, "reason");
      return reply;
    }
    reply.outcome = Reply::Outcome::kEvent;
    reply.event_type = last.type;
    reply.data = last.payload;
    reply.reason = EventString(last.payload, "reason");
    return reply;
  }
  std::string context = participant + " " + command_type + ": ";
  switch (status.code()) {
    case StatusCode::kRejected:
    case StatusCode::kFailedPrecondition:
      reply.outcome = Reply::Outcome::kFailure;
      reply.reason = status.message();
      break;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
      reply.outcome = Reply::Outcome::kFailure;
      reply.reason = context + status.ToString();
      break;
    default:
      reply.outcome = Reply::Outcome::kTransient;
      reply.reason = context + status.ToString();
      break;
  }
  return reply;
}

}  // namespace sagad::participants
