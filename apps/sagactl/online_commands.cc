#include "apps/sagactl/online_commands.h"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>

#include "apps/sagactl/exit_codes.h"
#include "apps/sagactl/sagad_client.h"
#include "apps/sagactl/views.h"
#include "core/json.h"

namespace sagactl {
namespace {

using sagad::Json;

struct GlobalOptions {
  std::string server = "http://127.0.0.1:8080";
  std::string token;
  bool json = false;
};

// How a successful answer is shown without --json.
using View = std::function<std::string(const Json&)>;

// The problem's detail, or the body itself when sagad (or whatever answered)
// sent no problem+json.
std::string DetailOf(const HttpAnswer& answer) {
  sagad::Result<Json> body = sagad::ParseJson(answer.body);
  if (body.ok() && body->is_object() && body->contains("detail") && (*body)["detail"].is_string()) {
    return (*body)["detail"].get<std::string>();
  }
  return answer.body.empty() ? "no detail" : answer.body;
}

void PrintBody(const std::string& body) {
  std::cout << body;
  if (body.empty() || body.back() != '\n') std::cout << "\n";
}

int Run(const GlobalOptions& options, const HttpCall& call, const View& view) {
  sagad::Result<sagad::participants::HttpUrl> server = sagad::participants::ParseHttpUrl(options.server);
  if (!server.ok()) {
    std::cerr << "sagactl: --server: " << server.status().message() << "\n";
    return kExitUsage;
  }
  SagadClient client(*server, options.token);
  sagad::Result<HttpAnswer> answer = client.Call(call);
  if (!answer.ok()) {
    std::cerr << "sagactl: " << answer.status().message() << "\n";
    return kExitUsage;
  }
  if (answer->status >= 400) {
    std::cerr << "sagactl: " << DetailOf(*answer) << " (HTTP " << answer->status << ")\n";
    if (options.json) PrintBody(answer->body);
    return answer->status < 500 ? kExitFailure : kExitUsage;
  }
  if (options.json) {
    PrintBody(answer->body);
    return kExitOk;
  }
  sagad::Result<Json> body = sagad::ParseJson(answer->body);
  if (!body.ok()) {
    std::cerr << "sagactl: " << options.server << " answered " << answer->status
              << " with something that is not JSON: is it sagad?\n";
    return kExitUsage;
  }
  std::cout << view(*body);
  return kExitOk;
}

// Adds "?a=1&b=2" for the non-empty values.
std::string WithQuery(std::string target, const std::vector<std::pair<std::string, std::string>>& query) {
  char separator = '?';
  for (const auto& [name, value] : query) {
    if (value.empty()) continue;
    target += separator + name + "=" + Encoded(value);
    separator = '&';
  }
  return target;
}

// Makes `command` an online one: when chosen, it runs `run` with the global
// options (parsed by then), and its --help names them, since CLI11 lists
// only the subcommand's own options.
void OnRun(CLI::App* command, const std::shared_ptr<GlobalOptions>& global, int* exit_code,
           std::function<int(const GlobalOptions&)> run) {
  command->footer(
      "Global options (before or after the command):\n"
      "  --server URL   sagad's URL (default " + GlobalOptions{}.server + ")\n"
      "  --token T      admin token (default: $SAGAD_ADMIN_TOKEN)\n"
      "  --json         print sagad's JSON answer instead of a table\n"
      "Exit codes: 0 ok, 1 sagad refused (4xx, its detail on stderr), 2 usage, sagad unreachable or failing (5xx)");
  command->callback([global, exit_code, run = std::move(run)] { *exit_code = run(*global); });
}

// ---- list ----

struct ListOptions {
  std::string status;
  std::string definition;
  int limit = 0;
  std::string cursor;
};

void AddList(CLI::App& app, const std::shared_ptr<GlobalOptions>& global, int* exit_code) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* list = app.add_subcommand("list", "List saga instances, newest first (TCC transactions are not listed)");
  list->add_option("--status", o->status, "Only this status: RUNNING, COMPENSATING, COMPLETED, COMPENSATED, "
                                          "STUCK, PAUSED, ABORTED");
  list->add_option("--definition", o->definition, "Only instances of this definition");
  list->add_option("--limit", o->limit, "At most this many (the server's default is 50, its maximum 500)")
      ->check(CLI::Range(1, 500));
  list->add_option("--cursor", o->cursor, "Continue below a previous page (the value it printed)");
  OnRun(list, global, exit_code, [o](const GlobalOptions& g) {
    HttpCall call;
    call.target = WithQuery("/v1/sagas", {{"status", o->status},
                                          {"definition", o->definition},
                                          {"limit", o->limit > 0 ? std::to_string(o->limit) : ""},
                                          {"cursor", o->cursor}});
    return Run(g, call, SagaListView);
  });
}

// ---- show, events ----

void AddShowAndEvents(CLI::App& app, const std::shared_ptr<GlobalOptions>& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  CLI::App* show = app.add_subcommand(
      "show", "Show a saga or TCC instance: status, definition@version, each step's status, attempts and last "
              "error, the failure reason");
  show->add_option("id", *id, "Instance id, e.g. PlaceOrder:o-1")->required();
  OnRun(show, global, exit_code, [id](const GlobalOptions& g) {
    return Run(g, HttpCall{"GET", "/v1/sagas/" + Encoded(*id), "", {}}, InstanceView);
  });

  auto events_id = std::make_shared<std::string>();
  CLI::App* events = app.add_subcommand("events", "Print an instance's event history");
  events->add_option("id", *events_id, "Instance id")->required();
  OnRun(events, global, exit_code, [events_id](const GlobalOptions& g) {
    return Run(g, HttpCall{"GET", "/v1/sagas/" + Encoded(*events_id) + "/events", "", {}}, EventsView);
  });
}

// ---- operator actions ----

struct ActionOptions {
  std::string id;
  std::string reason;
  std::string step;
  bool no_compensate = false;
};

// Who acts, as the instance's history records it.
std::string Actor() {
  const char* user = std::getenv("USER");
  return user && *user ? std::string(user) + " (sagactl)" : "sagactl";
}

void AddAction(CLI::App& app, const std::shared_ptr<GlobalOptions>& global, int* exit_code, const std::string& name,
               const std::string& description) {
  auto o = std::make_shared<ActionOptions>();
  CLI::App* command = app.add_subcommand(name, description + ". Recorded in the instance's history with the reason "
                                                             "and your user name");
  command->add_option("id", o->id, "Instance id")->required();
  command->add_option("--reason", o->reason, "Why (recorded)")->required();
  if (name == "retry" || name == "skip") {
    command->add_option("--step", o->step, name == "skip" ? "The step to skip (required by sagad)"
                                                          : "The step to retry (default: every stuck compensation)");
  }
  if (name == "abort") {
    command->add_flag("--no-compensate", o->no_compensate,
                      "End it as it stands, without compensating the completed steps");
  }
  OnRun(command, global, exit_code, [o, name](const GlobalOptions& g) {
    Json body = {{"reason", o->reason}};
    if (!o->step.empty()) body["step"] = o->step;
    if (o->no_compensate) body["compensate"] = false;
    HttpCall call{"POST", "/v1/sagas/" + Encoded(o->id) + "/" + name, body.dump(), {{"X-Actor", Actor()}}};
    return Run(g, call, [name](const Json& result) { return ActionView(name, result); });
  });
}

// ---- definitions, start ----

struct StartOptions {
  std::string definition;
  std::string input;
  std::string key;
};

void AddDefinitionsAndStart(CLI::App& app, const std::shared_ptr<GlobalOptions>& global, int* exit_code) {
  CLI::App* definitions = app.add_subcommand("definitions", "List the definitions sagad has loaded, every version");
  OnRun(definitions, global, exit_code,
        [](const GlobalOptions& g) { return Run(g, HttpCall{"GET", "/v1/definitions", "", {}}, DefinitionsView); });

  auto o = std::make_shared<StartOptions>();
  CLI::App* start = app.add_subcommand(
      "start", "Start an instance of a definition. The same key (--key, or the definition's key field in the input) "
               "gives back the same instance");
  start->add_option("definition", o->definition, "Definition name, e.g. TransferMoney")->required();
  start->add_option("--input", o->input, "The input, a JSON object")->required();
  start->add_option("--key", o->key, "Idempotency key");
  OnRun(start, global, exit_code, [o](const GlobalOptions& g) {
    // Checked here so a typo is a usage error, not a round trip.
    sagad::Result<Json> input = sagad::ParseJson(o->input);
    if (!input.ok() || !input->is_object()) {
      std::cerr << "sagactl: --input must be a JSON object"
                << (input.ok() ? "" : " (" + input.status().message() + ")") << "\n";
      return kExitUsage;
    }
    HttpCall call{"POST", "/v1/sagas/" + Encoded(o->definition), input->dump(), {}};
    if (!o->key.empty()) call.headers.emplace_back("Idempotency-Key", o->key);
    return Run(g, call, StartedView);
  });
}

}  // namespace

void AddOnlineCommands(CLI::App& app, int* exit_code) {
  auto global = std::make_shared<GlobalOptions>();
  app.add_option("--server", global->server, "sagad's URL (online commands)")->capture_default_str();
  app.add_option("--token", global->token, "Admin token for sagad (online commands)")->envname("SAGAD_ADMIN_TOKEN");
  app.add_flag("--json", global->json, "Print sagad's JSON answer instead of a table (online commands)");

  AddList(app, global, exit_code);
  AddShowAndEvents(app, global, exit_code);
  AddAction(app, global, exit_code, "retry", "Retry a step or stuck compensation (saga), or stuck branches (tcc)");
  AddAction(app, global, exit_code, "skip", "Skip a step or its compensation");
  AddAction(app, global, exit_code, "abort", "End a saga, compensating what it completed");
  AddAction(app, global, exit_code, "pause", "Pause a saga: no new command or retry until resumed");
  AddAction(app, global, exit_code, "resume", "Resume a paused saga");
  AddDefinitionsAndStart(app, global, exit_code);
}

}  // namespace sagactl
