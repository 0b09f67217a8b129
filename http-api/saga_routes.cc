#include "http-api/saga_routes.h"

#include <array>
#include <atomic>
#include <random>

#include "coordinator/allowed_actions.h"
#include "coordinator/instance_view.h"
#include "coordinator/saga_decide.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"
#include "coordinator/tcc_state.h"
#include "core/runtime/state_loader.h"
#include "http-api/problem.h"
#include "saga-dsl/printer.h"

namespace sagad::http {
namespace {

using coordinator::Reply;

constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxPageSize = 500;

// The request body as a JSON object ({} when empty).
Result<Json> BodyObject(const Request& req) {
  if (req.body.empty()) return Json::object();
  Result<Json> body = ParseJson(req.body);
  if (!body.ok()) return Status::InvalidArgument("request body is not valid JSON: " + body.status().message());
  if (!body->is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return body;
}

Result<std::int64_t> IntQuery(const Request& req, std::string_view name, std::int64_t fallback) {
  std::optional<std::string_view> text = req.Query(name);
  if (!text || text->empty()) return fallback;
  try {
    std::size_t used = 0;
    std::int64_t value = std::stoll(std::string(*text), &used);
    if (used == text->size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(std::string(name) + " must be a non-negative integer, not '" + std::string(*text) +
                                 "'");
}

// An id for a command that came without an Idempotency-Key.
std::string FreshCommandId(std::string_view prefix) {
  static const std::uint64_t process = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  return std::string(prefix) + "/" + std::to_string(process) + "-" + std::to_string(counter++);
}

Json Links(const std::string& id) {
  return Json{{"self", "/v1/sagas/" + id}, {"events", "/v1/sagas/" + id + "/events"}};
}

class SagaRoutes {
 public:
  explicit SagaRoutes(SagaApi api)
      : api_(std::move(api)),
        saga_(coordinator::MakeSagaAggregate(api_.catalog)),
        tcc_(coordinator::MakeTccAggregate(api_.catalog)) {}

  void Register(Router& router, const std::shared_ptr<SagaRoutes>& self) {
    router.AddAsync(Method::kPost, "/v1/sagas/{definition}",
                    [self](Request req, PathParams p, Responder reply) { self->Start(req, p, std::move(reply)); });
    router.Add(Method::kGet, "/v1/sagas", [self](const Request& req, const PathParams&) { return self->List(req); });
    router.Add(Method::kGet, "/v1/sagas/{id}",
               [self](const Request& req, const PathParams& p) { return self->Get(req, p.at("id")); });
    router.Add(Method::kGet, "/v1/sagas/{id}/events",
               [self](const Request&, const PathParams& p) { return self->History(p.at("id")); });
    router.Add(Method::kGet, "/v1/aggregates/{type}/{id}/events", [self](const Request&, const PathParams& p) {
      return self->StreamEvents({p.at("type"), p.at("id")});
    });
    for (const char* action : {"retry", "skip", "abort", "pause", "resume"}) {
      router.AddAsync(Method::kPost, std::string("/v1/sagas/{id}/") + action,
                      [self, action](Request req, PathParams p, Responder reply) {
                        self->Operate(req, p.at("id"), action, std::move(reply));
                      });
    }
    router.Add(Method::kGet, "/v1/definitions",
               [self](const Request&, const PathParams&) { return self->Definitions(); });
    router.Add(Method::kGet, "/v1/definitions/{name}",
               [self](const Request&, const PathParams& p) { return self->Definition(p.at("name")); });
    router.AddAsync(Method::kPost, "/v1/commands/{participant}/{type}",
                    [self](Request req, PathParams p, Responder reply) {
                      self->ParticipantCommand(req, p, std::move(reply));
                    });
  }

 private:
  struct Found {
    std::string type;
    const AggregateBehavior* behavior = nullptr;
  };

  // The aggregate types an instance id may belong to, in the order tried: a
  // saga unless only a tcc has that id.
  std::array<const AggregateBehavior*, 2> Kinds() const { return {saga_.get(), tcc_.get()}; }

  // The instance's aggregate type.
  Result<Found> Locate(const std::string& id) {
    for (const AggregateBehavior* b : Kinds()) {
      Result<std::vector<Event>> first = api_.store->ReadStream({b->type(), id}, 1, 1);
      if (!first.ok()) return first.status();
      if (!first->empty()) return Found{b->type(), b};
    }
    return Status::NotFound("no saga or tcc instance '" + id + "'");
  }

  struct Loaded {
    Found found;
    LoadedState state;
  };

  // Locate and load in one: the state read here also says whether the
  // stream exists (a missing stream costs a directory lookup, no read), so a
  // GET reads the instance's events once instead of its first event first.
  Result<Loaded> LocateAndLoad(const std::string& id) {
    for (const AggregateBehavior* b : Kinds()) {
      Result<LoadedState> loaded = LoadState(*api_.store, *b, {b->type(), id});
      if (!loaded.ok()) return loaded.status();
      if (loaded->version > 0) return Loaded{{b->type(), b}, std::move(loaded).value()};
    }
    return Status::NotFound("no saga or tcc instance '" + id + "'");
  }

  Json View(const Found& f, const StateBox& state, std::int64_t version) {
    if (f.type == coordinator::saga::kAggregateType) {
      return coordinator::SagaView(coordinator::SagaAggregate::Unbox(state), version);
    }
    return coordinator::TccView(coordinator::TccAggregate::Unbox(state), version);
  }

  // The operator actions the instance's current state accepts (asked of its
  // aggregate's Decide): what the dashboard offers. Only for the current
  // state: a past one (?asOf) says nothing about what can be done now.
  Json Actions(const Found& f, const StateBox& state) {
    if (f.type == coordinator::saga::kAggregateType) {
      return coordinator::ActionsJson(coordinator::AllowedActions(*saga_, state));
    }
    return coordinator::ActionsJson(coordinator::AllowedActions(*tcc_, state));
  }

  void Start(const Request& req, const PathParams& p, Responder reply) {
    Result<Json> body = BodyObject(req);
    if (!body.ok()) return reply.Send(ProblemFromStatus(body.status()));
    Result<std::int64_t> version = IntQuery(req, "version", 0);
    if (!version.ok()) return reply.Send(ProblemFromStatus(version.status()));
    coordinator::StartSpec spec;
    spec.definition = p.at("definition");
    if (*version > 0) spec.version = static_cast<int>(*version);
    spec.input = std::move(body).value();
    if (auto key = req.Header("Idempotency-Key")) spec.idempotency_key = std::string(*key);
    auto shared = std::make_shared<Responder>(std::move(reply));
    api_.engine->StartInstance(std::move(spec), [shared](Result<coordinator::Started> r) {
      Responder& reply = *shared;
      if (!r.ok()) return reply.Send(ProblemFromStatus(r.status()));
      Response response = Response::Json(r->created ? 201 : 200, Json{{"id", r->id},
                                                                      {"kind", r->aggregate_type},
                                                                      {"created", r->created},
                                                                      {"links", Links(r->id)}});
      response.headers.emplace_back("Location", "/v1/sagas/" + r->id);
      reply.Send(std::move(response));
    });
  }

  Response Get(const Request& req, const std::string& id) {
    Result<std::int64_t> as_of = IntQuery(req, "asOf", 0);
    if (!as_of.ok()) return ProblemFromStatus(as_of.status());
    if (*as_of == 0) {
      Result<Loaded> loaded = LocateAndLoad(id);
      if (!loaded.ok()) return ProblemFromStatus(loaded.status());
      Json view = View(loaded->found, *loaded->state.state, loaded->state.version);
      view["actions"] = Actions(loaded->found, *loaded->state.state);
      return Response::Json(200, std::move(view));
    }
    Result<Found> found = Locate(id);
    if (!found.ok()) return ProblemFromStatus(found.status());
    StreamId stream{found->type, id};
    Result<std::vector<Event>> events = api_.store->ReadStream(stream, 1, *as_of);
    if (!events.ok()) return ProblemFromStatus(events.status());
    if (static_cast<std::int64_t>(events->size()) < *as_of) {
      return Problem(404, "instance " + id + " has only " + std::to_string(events->size()) + " events");
    }
    std::unique_ptr<StateBox> state = found->behavior->NewState();
    for (const Event& e : *events) found->behavior->Evolve(*state, e);
    return Response::Json(200, View(*found, *state, *as_of));
  }

  // Newest first. The cursor is the position in creation order to continue
  // below, so pages stay stable while new instances are added on top.
  Response List(const Request& req) {
    Result<std::int64_t> limit = IntQuery(req, "limit", kDefaultPageSize);
    Result<std::int64_t> cursor = IntQuery(req, "cursor", 0);
    if (!limit.ok()) return ProblemFromStatus(limit.status());
    if (!cursor.ok()) return ProblemFromStatus(cursor.status());
    std::size_t page = std::clamp<std::size_t>(static_cast<std::size_t>(*limit), 1, kMaxPageSize);
    std::string status(req.Query("status").value_or(""));
    std::string definition(req.Query("definition").value_or(""));
    Result<std::int64_t> since = IntQuery(req, "since", 0);  // started_ms >= since
    if (!since.ok()) return ProblemFromStatus(since.status());
    Result<std::vector<std::string>> ids = api_.store->ListStreams(coordinator::saga::kAggregateType);
    if (!ids.ok()) return ProblemFromStatus(ids.status());
    auto end = static_cast<std::int64_t>(ids->size());
    std::int64_t i = *cursor > 0 ? std::min(*cursor, end) : end;
    Json items = Json::array();
    while (i > 0 && items.size() < page) {
      const std::string& id = (*ids)[static_cast<std::size_t>(--i)];
      Result<LoadedState> loaded = LoadState(*api_.store, *saga_, {coordinator::saga::kAggregateType, id});
      if (!loaded.ok()) continue;
      Json view = View({coordinator::saga::kAggregateType, saga_.get()}, *loaded->state, loaded->version);
      if (!status.empty() && view["status"] != status) continue;
      if (!definition.empty() && view["definition"]["name"] != definition) continue;
      if (*since > 0 && view["started_ms"].get<std::int64_t>() < *since) continue;
      items.push_back(Json{{"id", id},
                           {"definition", view["definition"]},
                           {"status", view["status"]},
                           {"started_ms", view["started_ms"]},
                           {"finished_ms", view["finished_ms"]}});
    }
    Json body = {{"items", std::move(items)}};
    if (i > 0) body["next_cursor"] = std::to_string(i);
    return Response::Json(200, body);
  }

  Response History(const std::string& id) {
    Result<Found> found = Locate(id);
    if (!found.ok()) return ProblemFromStatus(found.status());
    return StreamEvents({found->type, id});
  }

  // Any aggregate's events (participants' too): what drivers and tools
  // replay to check a participant's state.
  Response StreamEvents(const StreamId& stream) {
    const std::string& id = stream.id;
    Result<std::vector<Event>> events = api_.store->ReadStream(stream, 1, 0);
    if (!events.ok()) return ProblemFromStatus(events.status());
    Json out = Json::array();
    for (const Event& e : *events) {
      out.push_back(Json{{"version", e.version},
                         {"type", e.type},
                         {"payload", e.payload},
                         {"command_id", e.command_id},
                         {"timestamp_ms", e.timestamp_ms},
                         {"global_position", e.global_position}});
    }
    return Response::Json(200, Json{{"id", id}, {"events", std::move(out)}});
  }

  void Operate(const Request& req, const std::string& id, const std::string& action, Responder reply) {
    Result<Json> body = BodyObject(req);
    if (!body.ok()) return reply.Send(ProblemFromStatus(body.status()));
    Result<Found> found = Locate(id);
    if (!found.ok()) return reply.Send(ProblemFromStatus(found.status()));
    Command c;
    c.target = {found->type, id};
    c.type = std::string(1, static_cast<char>(std::toupper(action[0]))) + action.substr(1);
    auto key = req.Header("Idempotency-Key");
    c.command_id = key ? "op/" + std::string(*key) : FreshCommandId("op");
    c.payload = std::move(body).value();
    if (!c.payload.contains("actor")) {
      auto actor = req.Header("X-Actor");
      c.payload["actor"] = actor ? std::string(*actor) : "api";
    }
    auto shared = std::make_shared<Responder>(std::move(reply));
    api_.engine->Execute(std::move(c), [shared, id](CommandResult r) {
      Responder& reply = *shared;
      if (!r.status.ok()) return reply.Send(ProblemFromStatus(r.status));
      Json events = Json::array();
      for (const Event& e : r.events) events.push_back(e.type);
      reply.Send(Response::Json(200, Json{{"id", id}, {"events", std::move(events)}, {"links", Links(id)}}));
    });
  }

  Response Definitions() {
    Json out = Json::array();
    for (const auto& [name, version] : api_.catalog->List()) {
      auto entry = api_.catalog->Find(name, version);
      out.push_back(Json{{"name", name},
                         {"version", version},
                         {"kind", std::string(dsl::KindName(entry->definition.kind))},
                         {"hash", entry->hash}});
    }
    return Response::Json(200, Json{{"definitions", std::move(out)}});
  }

  Response Definition(const std::string& name) {
    Json versions = Json::array();
    for (const auto& [n, version] : api_.catalog->List()) {
      if (n != name) continue;
      auto entry = api_.catalog->Find(n, version);
      versions.push_back(Json{{"version", version},
                              {"hash", entry->hash},
                              {"file", entry->definition.file},
                              {"source", dsl::Print({entry->definition})}});
    }
    if (versions.empty()) return Problem(404, "no definition " + name);
    return Response::Json(200, Json{{"name", name}, {"versions", std::move(versions)}});
  }

  // A command for a participant from outside (drivers, tests), through the
  // same transport the engine uses; idempotent by command id.
  void ParticipantCommand(const Request& req, const PathParams& p, Responder reply) {
    Result<Json> body = BodyObject(req);
    if (!body.ok()) return reply.Send(ProblemFromStatus(body.status()));
    auto transport = api_.transports.find(p.at("participant"));
    if (transport == api_.transports.end()) return reply.Send(Problem(404, "no participant " + p.at("participant")));
    coordinator::OutgoingCommand c;
    c.participant = p.at("participant");
    c.command_type = p.at("type");
    c.command_id = body->value("command_id", std::string());
    c.target = body->value("target", std::string());
    if (body->contains("payload")) c.payload = (*body)["payload"];
    if (c.command_id.empty() || c.target.empty() || !c.payload.is_object()) {
      return reply.Send(Problem(400, "the body needs command_id and target (strings) and payload (an object)"));
    }
    auto shared = std::make_shared<Responder>(std::move(reply));
    transport->second->Send(c, [shared](Reply r) {
      switch (r.outcome) {
        case Reply::Outcome::kSuccess:
        case Reply::Outcome::kEvent:
          return shared->Send(Response::Json(200, Json{{"event", r.event_type}, {"data", r.data}}));
        case Reply::Outcome::kFailure:
          return shared->Send(Response::Json(
              422, Json{{"event", r.event_type}, {"data", r.data}, {"error", r.reason}}));
        case Reply::Outcome::kTransient:
          return shared->Send(Problem(503, r.reason.empty() ? "participant unavailable; resend" : r.reason));
      }
    });
  }

  SagaApi api_;
  std::shared_ptr<coordinator::SagaAggregate> saga_;
  std::shared_ptr<coordinator::TccAggregate> tcc_;
};

}  // namespace

void AddSagaRoutes(Router& router, SagaApi api) {
  auto routes = std::make_shared<SagaRoutes>(std::move(api));
  routes->Register(router, routes);
}

}  // namespace sagad::http
