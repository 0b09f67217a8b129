#include "coordinator/outgoing_command.h"

#include <algorithm>

#include "saga-dsl/expression.h"

namespace sagad::coordinator {

void WriteCommandFields(const OutgoingCommand& c, Json& into) {
  into["command_id"] = c.command_id;
  into["attempt"] = c.attempt;
  into["participant"] = c.participant;
  into["command_type"] = c.command_type;
  into["target"] = c.target;
  into["payload"] = c.payload;
  if (c.compensable) into["compensable"] = true;
  if (c.compensates) {
    into["compensates"] = Json{{"command_id", c.compensates->command_id},
                               {"command_type", c.compensates->command_type},
                               {"target", c.compensates->target}};
  }
}

Json DeliveryMetadata(const OutgoingCommand& c) {
  Json m = {{"attempt", c.attempt}};
  if (c.compensable) m["compensable"] = true;
  if (c.compensates) {
    m["compensates"] = Json{{"command_id", c.compensates->command_id},
                            {"command_type", c.compensates->command_type},
                            {"target", c.compensates->target}};
  }
  return m;
}

OutgoingCommand ReadCommandFields(const Json& from, const std::string& correlation_id) {
  OutgoingCommand c;
  c.command_id = StringField(from, "command_id");
  c.attempt = static_cast<int>(IntField(from, "attempt", 1));
  c.participant = StringField(from, "participant");
  c.command_type = StringField(from, "command_type");
  c.target = StringField(from, "target");
  auto it = from.find("payload");
  if (it != from.end()) c.payload = *it;
  c.correlation_id = correlation_id;
  auto compensable = from.find("compensable");
  c.compensable = compensable != from.end() && compensable->is_boolean() && compensable->get<bool>();
  auto compensates = from.find("compensates");
  if (compensates != from.end() && compensates->is_object()) {
    c.compensates = ForwardCommand{StringField(*compensates, "command_id"), StringField(*compensates, "command_type"),
                                   StringField(*compensates, "target")};
  }
  return c;
}

std::string CommandIdFor(std::string_view instance_id, std::string_view name, std::string_view phase, int revision) {
  std::string id(instance_id);
  id += '/';
  id += name;
  id += '/';
  id += phase;
  if (revision > 1) {
    id += "/rev";
    id += std::to_string(revision);
  }
  return id;
}

Result<OutgoingCommand> BuildCommand(const dsl::CommandSpec& spec, const Json& context, std::string command_id,
                                     std::string correlation_id, const Json* payload_override) {
  OutgoingCommand c;
  c.command_id = std::move(command_id);
  c.correlation_id = std::move(correlation_id);
  c.participant = spec.participant();
  c.command_type = spec.command_type();
  dsl::EvalResult target = dsl::Evaluate(spec.target, context);
  if (!target.ok()) return Status::InvalidArgument("target of " + spec.command.ToString() + ": " + target.error);
  if (target.value.is_string()) {
    c.target = target.value.get<std::string>();
  } else if (target.value.is_number()) {
    c.target = target.value.dump();
  } else {
    return Status::InvalidArgument("target of " + spec.command.ToString() + " is " + target.value.dump() +
                                   ", not a string or number");
  }
  if (payload_override) {
    c.payload = *payload_override;
  } else {
    dsl::EvalResult payload = dsl::Evaluate(spec.payload, context);
    if (!payload.ok()) return Status::InvalidArgument("payload of " + spec.command.ToString() + ": " + payload.error);
    c.payload = std::move(payload.value);
  }
  return c;
}

std::int64_t BackoffMs(const dsl::RetryPolicy& policy, int next_attempt, std::string_view command_id) {
  std::int64_t lo = std::max<std::int64_t>(policy.backoff_min_ms, 0);
  std::int64_t hi = std::max(policy.backoff_max_ms, lo);
  std::int64_t base = lo;
  for (int i = 2; i < next_attempt && base < hi; ++i) base *= 2;
  base = std::min(base, hi);
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64 of "<command id>/<attempt>"
  auto mix = [&h](std::string_view text) {
    for (unsigned char ch : text) {
      h ^= ch;
      h *= 1099511628211ULL;
    }
  };
  mix(command_id);
  mix("/");
  mix(std::to_string(next_attempt));
  std::int64_t half = base / 2;
  return base - half + static_cast<std::int64_t>(h % static_cast<std::uint64_t>(half + 1));
}

std::int64_t IntField(const Json& j, const char* key, std::int64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string StringField(const Json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace sagad::coordinator
