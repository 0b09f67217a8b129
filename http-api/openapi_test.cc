// docs/openapi.yaml against the routes sagad really has: a router built the
// way sagad builds it (saga, stats, graph, ops and OpenAPI routes; not the
// dashboard's HTML pages, which are no API) and the document's
// `paths:` must name the same (path, method) pairs, both ways. Path
// parameter names are compared as "{}": OpenAPI forbids two templates that
// differ only in a name, which sagad's router allows
// (POST /v1/sagas/{definition}, GET /v1/sagas/{id}).
//
// The document is read with just enough YAML for its own layout: path keys
// indented two spaces under `paths:`, method keys four. A document laid out
// otherwise fails the test rather than passing it.
#include "http-api/openapi_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "coordinator/definition_catalog.h"
#include "http-api/metrics/registry.h"
#include "http-api/ops_routes.h"
#include "http-api/graph_route.h"
#include "http-api/saga_routes.h"
#include "http-api/stats_route.h"

namespace sagad::http {
namespace {

using Operation = std::pair<std::string, std::string>;  // ("/v1/sagas/{}", "post")

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Normalized(const std::string& pattern) {
  static const std::regex kParam(R"(\{[^}/]*\})");
  return std::regex_replace(pattern, kParam, "{}");
}

struct Documented {
  std::set<Operation> operations;
  std::vector<std::string> errors;  // duplicate paths, unexpected layout
};

Documented ReadPaths(std::string_view document) {
  static const std::regex kPathKey(R"(^  (/\S*):\s*$)");
  static const std::regex kMethodKey(R"(^    (get|put|post|delete|options|head|patch|trace):\s*$)");
  static const std::regex kTopLevelKey(R"(^\S.*:)");
  Documented out;
  std::istringstream lines{std::string(document)};
  std::string line;
  bool in_paths = false;
  std::string path;
  std::set<std::string> seen_paths;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    std::smatch m;
    if (std::regex_search(line, m, kTopLevelKey)) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths) continue;
    if (std::regex_match(line, m, kPathKey)) {
      path = m[1];
      if (!seen_paths.insert(path).second) out.errors.push_back("path " + path + " appears twice");
    } else if (std::regex_match(line, m, kMethodKey)) {
      if (path.empty()) out.errors.push_back("line " + std::to_string(line_number) + ": a method before any path");
      if (!out.operations.insert({Normalized(path), m[1]}).second) {
        out.errors.push_back(Lower(m[1].str()) + " " + path + " appears twice");
      }
    } else if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ' && line[2] != '#') {
      out.errors.push_back("line " + std::to_string(line_number) + ": not a path key under paths: " + line);
    }
  }
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  OpenApiTest() {
    // Registering routes calls nothing in the engine or store: empty ones do.
    SagaApi api{nullptr, nullptr, &catalog_, {}};
    AddSagaRoutes(router_, api);
    AddStatsRoute(router_, api);
    AddGraphRoute(router_, &catalog_);
    AddOpsRoutes(router_, registry_);
    AddOpenApiRoute(router_);
  }

  std::set<Operation> Routed() const {
    std::set<Operation> out;
    for (const Route& route : router_.routes()) out.insert({Normalized(route.pattern), Lower(MethodName(route.method))});
    return out;
  }

  coordinator::DefinitionCatalog catalog_;
  metrics::Registry registry_;
  Router router_;
};

TEST_F(OpenApiTest, TheDocumentIsOpenApi3AndReadable) {
  EXPECT_THAT(std::string(OpenApiDocument()), ::testing::StartsWith("openapi: 3."));
  Documented documented = ReadPaths(OpenApiDocument());
  EXPECT_THAT(documented.errors, ::testing::IsEmpty());
  EXPECT_GE(documented.operations.size(), 10u);
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  Documented documented = ReadPaths(OpenApiDocument());
  ASSERT_FALSE(Routed().empty());
  for (const Operation& op : Routed()) {
    EXPECT_TRUE(documented.operations.count(op)) << op.second << " " << op.first << " is served but not in docs/openapi.yaml";
  }
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsARoute) {
  std::set<Operation> routed = Routed();
  for (const Operation& op : ReadPaths(OpenApiDocument()).operations) {
    EXPECT_TRUE(routed.count(op)) << op.second << " " << op.first << " is in docs/openapi.yaml but sagad has no such route";
  }
}

TEST_F(OpenApiTest, TheDocumentIsServedAsYamlWithoutTheToken) {
  RouteMatch match = router_.Find(Method::kGet, "/v1/openapi.yaml");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_TRUE(match.route->options.public_route);
  Response response = std::get<Handler>(match.route->handler)(Request{}, match.params);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, kYamlType);
  EXPECT_EQ(response.body, OpenApiDocument());
}

// The reader itself: it must notice what would make the comparison vacuous.
TEST(OpenApiReader, ReportsDuplicatesAndStrayKeys) {
  Documented d = ReadPaths(
      "openapi: 3.0.3\n"
      "paths:\n"
      "  /a/{x}:\n"
      "    get:\n"
      "      summary: x\n"
      "  /a/{x}:\n"
      "    post:\n"
      "  oops:\n"
      "components:\n"
      "  /b:\n"
      "    get:\n");
  EXPECT_EQ(d.operations, (std::set<Operation>{{"/a/{}", "get"}, {"/a/{}", "post"}}));
  EXPECT_THAT(d.errors, ::testing::ElementsAre("path /a/{x} appears twice", ::testing::HasSubstr("oops")));
}

}  // namespace
}  // namespace sagad::http
