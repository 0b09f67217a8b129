#include "participants/http/http_protocol.h"

#include <utility>

namespace sagad::participants {
namespace {

using coordinator::Reply;

// Bodies quoted in reasons are cut: an operator needs the gist, not a page.
constexpr std::size_t kMaxQuotedChars = 200;

std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedChars) return std::string(text);
  return std::string(text.substr(0, kMaxQuotedChars)) + "...";
}

std::string StringMember(const Json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A business refusal: never retried, so it must not depend on the body being
// well formed.
Reply FailureReply(unsigned status, std::string_view text) {
  Reply reply;
  reply.outcome = Reply::Outcome::kFailure;
  Result<Json> body = ParseJson(text);
  if (body.ok() && body->is_object()) {
    reply.event_type = StringMember(*body, "event");
    auto data = body->find("data");
    if (data != body->end() && data->is_object()) reply.data = *data;
    reply.reason = StringMember(*body, "error");
  }
  if (reply.reason.empty()) reply.reason = reply.event_type;
  if (reply.reason.empty()) reply.reason = "HTTP " + std::to_string(status);
  return reply;
}

Reply SuccessReply(unsigned status, std::string_view text, std::string_view url) {
  auto malformed = [&](std::string_view why) {
    // The parser's message quotes what it last read, which can be most of
    // the body: quoted in part too, as the reason is stored and logged.
    return TransientReply("HTTP " + std::to_string(status) + " from " + std::string(url) + " with a malformed body (" +
                          Quote(why) + "): " + Quote(text));
  };
  Reply reply;
  reply.outcome = Reply::Outcome::kSuccess;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return reply;  // e.g. 204: done, nothing to say
  Result<Json> body = ParseJson(text);
  if (!body.ok()) return malformed(body.status().message());
  if (!body->is_object()) return malformed("not a JSON object");
  auto event = body->find("event");
  if (event != body->end()) {
    if (!event->is_string() || event->get_ref<const std::string&>().empty()) {
      return malformed("'event' must be a non-empty string");
    }
    reply.outcome = Reply::Outcome::kEvent;
    reply.event_type = event->get<std::string>();
  }
  auto data = body->find("data");
  if (data != body->end() && !data->is_null()) {
    if (!data->is_object()) return malformed("'data' must be an object");
    reply.data = std::move(*data);
  }
  return reply;
}

// A redirect is never followed. The command carries a business payload and
// an idempotency key meant for the participant the operator configured;
// following a Location would hand them to a host nobody chose (and a 301/302
// may turn the POST into a GET). Nor is it a refusal: it says nothing about
// the business outcome (a 303 after a POST may even mean "done, look there"),
// so compensating would undo good work because of a moved URL. It is
// transient, "outcome unknown": the step retries, runs out of retries, is
// resolved and goes STUCK naming the new location, and once the operator
// points --participant at it, a retry resends the same command id.
std::string RedirectReason(unsigned status, std::string_view url, std::string_view location) {
  std::string reason = "HTTP " + std::to_string(status) + " from " + std::string(url);
  if (location.empty()) return reason + " (a redirect without a Location; sagad does not follow redirects)";
  return reason + " redirects to " + Quote(location) +
         "; sagad does not follow redirects: point --participant at the participant's current URL";
}

}  // namespace

std::string CommandRequestBody(const coordinator::OutgoingCommand& command) {
  Json body = coordinator::DeliveryMetadata(command);  // attempt, compensable, compensates
  body["command_id"] = command.command_id;
  body["saga_id"] = command.correlation_id;
  body["type"] = command.command_type;
  body["target"] = command.target;
  body["payload"] = command.payload;
  return DumpJson(body);
}

Reply MapHttpReply(unsigned status, std::string_view body, std::string_view url, std::string_view location) {
  if (status >= 200 && status < 300) return SuccessReply(status, body, url);
  if (status == 409 || status == 422) return FailureReply(status, body);
  // 5xx is the participant's trouble; any other code (404, 400, 3xx) means the
  // URL or the participant is misconfigured. Both are retried so they show up
  // in the saga's history instead of silently failing the business step.
  std::string reason = status >= 300 && status < 400 ? RedirectReason(status, url, location)
                                                     : "HTTP " + std::to_string(status) + " from " + std::string(url);
  Result<Json> parsed = ParseJson(body);
  std::string error = parsed.ok() && parsed->is_object() ? StringMember(*parsed, "error") : std::string();
  if (!error.empty()) reason += ": " + Quote(error);
  return TransientReply(std::move(reason));
}

Reply TransientReply(std::string reason) {
  Reply reply;
  reply.outcome = Reply::Outcome::kTransient;
  reply.reason = std::move(reason);
  return reply;
}

}  // namespace sagad::participants
