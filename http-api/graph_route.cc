#include "http-api/graph_route.h"

#include <string>

#include "http-api/problem.h"
#include "saga-dsl/graph.h"

namespace sagad::http {
namespace {

Json StructureOf(const dsl::Definition& d) {
  Json out = {{"name", d.name}, {"version", d.version}, {"kind", std::string(dsl::KindName(d.kind))}};
  if (d.kind == dsl::DefinitionKind::kTcc) {
    Json branches = Json::array();
    for (const dsl::TccBranch& b : d.branches) {
      branches.push_back(Json{{"name", b.name},
                              {"try", b.try_command.command.ToString()},
                              {"confirm", b.confirm.command.ToString()},
                              {"cancel", b.cancel.command.ToString()}});
    }
    out["branches"] = std::move(branches);
    return out;
  }
  Json steps = Json::array();
  for (const dsl::Step& s : d.steps) {
    Json step = {{"name", s.name}, {"after", s.after}, {"send", s.send.command.ToString()}};
    if (s.compensate) step["compensate"] = s.compensate->command.ToString();
    steps.push_back(std::move(step));
  }
  out["steps"] = std::move(steps);
  if (d.on_completed) out["on_completed"] = d.on_completed->command.ToString();
  if (d.on_compensated) out["on_compensated"] = d.on_compensated->command.ToString();
  return out;
}

Response Graph(const coordinator::DefinitionCatalog& catalog, const Request& req, const std::string& name) {
  std::string version_text(req.Query("version").value_or(""));
  std::shared_ptr<const coordinator::CatalogEntry> entry;
  if (version_text.empty()) {
    entry = catalog.Latest(name);
  } else {
    int version = 0;
    try {
      std::size_t used = 0;
      version = std::stoi(version_text, &used);
      if (used != version_text.size() || version <= 0) version = 0;
    } catch (const std::exception&) {
    }
    if (version == 0) return Problem(400, "version must be a positive integer, not '" + version_text + "'");
    entry = catalog.Find(name, version);
  }
  if (!entry) {
    return Problem(404, "no definition " + name + (version_text.empty() ? "" : " version " + version_text));
  }
  std::string format(req.Query("format").value_or("dot"));
  if (format == "dot") return Response::Text(200, dsl::ToDot(entry->definition), "text/vnd.graphviz; charset=utf-8");
  if (format == "mermaid") return Response::Text(200, dsl::ToMermaid(entry->definition));
  if (format == "json") return Response::Json(200, StructureOf(entry->definition));
  return Problem(400, "format must be dot, mermaid or json, not '" + format + "'");
}

}  // namespace

void AddGraphRoute(Router& router, const coordinator::DefinitionCatalog* catalog) {
  router.Add(Method::kGet, "/v1/definitions/{name}/graph",
             [catalog](const Request& req, const PathParams& p) { return Graph(*catalog, req, p.at("name")); });
}

}  // namespace sagad::http
