#include "apps/sagactl/views.h"

#include <ctime>

#include "apps/sagactl/text_table.h"

namespace sagactl {
namespace {

using sagad::Json;

// A field as text: strings as they are, other values as compact JSON,
// missing or null as "".
std::string Text(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : sagad::DumpJson(*it);
}

std::int64_t Number(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

const Json& Field(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string DefinitionText(const Json& definition) {
  if (!definition.is_object()) return "";
  return Text(definition, "name") + "@" + Text(definition, "version");
}

// The failure is whatever the saga recorded: a reason string, or an object
// naming the step and the reason.
std::string FailureText(const Json& failure) {
  if (failure.is_string()) return failure.get<std::string>();
  if (failure.is_object() && failure.contains("reason")) {
    std::string step = Text(failure, "step");
    return (step.empty() ? "" : "step " + step + ": ") + Text(failure, "reason");
  }
  return sagad::DumpJson(failure);
}

// A tcc branch's try/confirm/cancel in one cell: "done (1)", "stuck (5)".
std::string TccActionText(const Json& action) {
  std::int64_t attempts = Number(action, "attempts");
  if (attempts == 0) return "-";
  // A refused try is neither done nor outstanding, and keeps its error.
  const char* state = Field(action, "stuck") == true           ? "stuck"
                      : Field(action, "done") == true          ? "done"
                      : Field(action, "retry_waiting") == true ? "retry-waiting"
                      : Field(action, "outstanding").is_null() && !Text(action, "last_error").empty() ? "failed"
                                                                                                      : "sent";
  return std::string(state) + " (" + std::to_string(attempts) + ")";
}

std::string TccLastError(const Json& branch) {
  for (const char* phase : {"cancel", "confirm", "try"}) {
    std::string error = Text(Field(branch, phase), "last_error");
    if (!error.empty()) return std::string(phase) + ": " + error;
  }
  return "";
}

void Line(std::string& out, const char* label, const std::string& value) {
  if (value.empty()) return;
  out += label;
  out.append(12 - std::string_view(label).size(), ' ');
  out += value + "\n";
}

}  // namespace

std::string FormatTime(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

std::string SagaListView(const Json& list) {
  TextTable table({"ID", "DEFINITION", "STATUS", "STARTED (UTC)", "FINISHED (UTC)"});
  for (const Json& item : Field(list, "items")) {
    table.Add({Text(item, "id"), DefinitionText(Field(item, "definition")), Text(item, "status"),
               FormatTime(Number(item, "started_ms")), FormatTime(Number(item, "finished_ms"))});
  }
  std::string out = table.Render();
  std::string next = Text(list, "next_cursor");
  if (!next.empty()) out += "(more: add --cursor " + next + ")\n";
  return out;
}

std::string InstanceView(const Json& instance) {
  std::string out;
  Line(out, "id", Text(instance, "id") + " (" + Text(instance, "kind") + ")");
  Line(out, "status", Text(instance, "status"));
  Line(out, "definition", DefinitionText(Field(instance, "definition")));
  Line(out, "key", Text(instance, "key"));
  Line(out, "started", FormatTime(Number(instance, "started_ms")) + " UTC");
  Line(out, "finished", FormatTime(Number(instance, "finished_ms")) + (Number(instance, "finished_ms") ? " UTC" : ""));
  if (!Field(instance, "failure").is_null()) Line(out, "failure", FailureText(Field(instance, "failure")));
  Line(out, "stuck", Text(instance, "stuck_reason"));
  if (Text(instance, "kind") == "tcc") {
    if (Text(instance, "decision") != "none") Line(out, "decision", Text(instance, "decision"));
    Line(out, "reason", Text(instance, "reason"));
    TextTable branches({"BRANCH", "TRY", "CONFIRM", "CANCEL", "LAST ERROR"});
    for (const Json& b : Field(instance, "branches")) {
      branches.Add({Text(b, "name"), TccActionText(Field(b, "try")), TccActionText(Field(b, "confirm")),
                    TccActionText(Field(b, "cancel")), TccLastError(b)});
    }
    return out + "\n" + branches.Render();
  }
  TextTable steps({"STEP", "STATUS", "ATTEMPTS", "COMPENSATIONS", "LAST ERROR"});
  for (const Json& s : Field(instance, "steps")) {
    steps.Add({Text(s, "name"), Text(s, "status"), Text(s, "attempts"), Text(s, "compensation_attempts"),
               Text(s, "last_error")});
  }
  return out + "\n" + steps.Render();
}

std::string EventsView(const Json& history) {
  TextTable table({"#", "TIME (UTC)", "TYPE", "PAYLOAD"});
  for (const Json& e : Field(history, "events")) {
    table.Add({Text(e, "version"), FormatTime(Number(e, "timestamp_ms")), Text(e, "type"), Text(e, "payload")});
  }
  return table.Render();
}

std::string DefinitionsView(const Json& definitions) {
  TextTable table({"NAME", "VERSION", "KIND", "HASH"});
  for (const Json& d : Field(definitions, "definitions")) {
    table.Add({Text(d, "name"), Text(d, "version"), Text(d, "kind"), Text(d, "hash")});
  }
  return table.Render();
}

std::string StartedView(const Json& started) {
  bool created = Field(started, "created") != false;
  return (created ? "started " : "already started (same key): ") + Text(started, "id") + "\n";
}

std::string ActionView(const std::string& action, const Json& result) {
  std::string events;
  for (const Json& e : Field(result, "events")) {
    events += (events.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : sagad::DumpJson(e));
  }
  return action + " " + Text(result, "id") + ": recorded " + (events.empty() ? "nothing" : events) + "\n";
}

}  // namespace sagactl
