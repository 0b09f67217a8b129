// The dashboard's routes through the router, without sockets: the embedded
// files, caching, and the JSON routes the page reads (stats, graph). The
// page itself is tested in a real browser (tests/browser/).
#include "http-api/dashboard_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http-api/dashboard_files.h"

namespace sagad::http {
namespace {

using ::testing::HasSubstr;

constexpr char kSaga[] = R"(saga Ship {
  version 2
  start on api
  step pick { send store.Pick to $.id { } success store.Picked compensate store.Unpick to $.id { } }
  step pack { send store.Pack to $.id { } success store.Packed }
  step label after pick { send store.Label to $.id { } success store.Labelled }
})";

class DashboardRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status added = catalog_.AddSource(kSaga, "ship.saga");
    ASSERT_TRUE(added.ok()) << added.ToString();
    Result<std::unique_ptr<EventStore>> store = OpenEventStore("memory:");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    AddDashboardRoutes(router_, SagaApi{nullptr, store_.get(), &catalog_, {}});
  }

  Response Get(const std::string& target, Fields headers = {}) {
    Request req;
    req.target = target;
    req.headers = std::move(headers);
    EXPECT_TRUE(ParseTarget(req).ok()) << target;
    RouteMatch match = router_.Find(Method::kGet, req.path);
    if (match.kind != RouteMatch::Kind::kFound) return Response::Text(404, "no route");
    return std::get<Handler>(match.route->handler)(req, match.params);
  }

  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  coordinator::DefinitionCatalog catalog_;
  std::unique_ptr<EventStore> store_;
  Router router_;
};

TEST_F(DashboardRoutesTest, TheRootServesThePageWithAStrictSecurityPolicy) {
  Response page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(page.body, HasSubstr("<title>sagad</title>"));
  EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"), HasSubstr("script-src 'self'"));
}

TEST_F(DashboardRoutesTest, EveryEmbeddedFileIsServedWithItsType) {
  ASSERT_GE(DashboardFiles().size(), 3u);
  for (const DashboardFile& file : DashboardFiles()) {
    Response r = Get("/dashboard/" + std::string(file.name));
    EXPECT_EQ(r.status, 200) << file.name;
    EXPECT_FALSE(r.body.empty()) << file.name;
    EXPECT_EQ(r.body, file.body);
  }
  EXPECT_EQ(Get("/dashboard/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/dashboard/style.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/dashboard/nope.js").status, 404);
}

TEST_F(DashboardRoutesTest, AnUnchangedFileIsRevalidatedWithoutItsBody) {
  Response first = Get("/dashboard/app.js");
  std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Response again = Get("/dashboard/app.js", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(DashboardRoutesTest, StatsCountEveryStatusEvenWhenThereAreNoSagas) {
  Response r = Get("/v1/sagas/stats");
  ASSERT_EQ(r.status, 200) << r.body;
  Result<Json> body = ParseJson(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["total"], 0);
  for (const char* status : {"RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED", "STUCK", "PAUSED", "ABORTED"}) {
    EXPECT_EQ((*body)["counts"][status], 0) << status;
  }
}

TEST_F(DashboardRoutesTest, TheGraphAsJsonListsStepsWithTheirDependencies) {
  Response r = Get("/v1/definitions/Ship/graph?format=json");
  ASSERT_EQ(r.status, 200) << r.body;
  Json graph = *ParseJson(r.body);
  EXPECT_EQ(graph["kind"], "saga");
  EXPECT_EQ(graph["version"], 2);
  ASSERT_EQ(graph["steps"].size(), 3u);
  EXPECT_EQ(graph["steps"][0]["after"], Json::array());
  EXPECT_EQ(graph["steps"][0]["compensate"], "store.Unpick");
  EXPECT_EQ(graph["steps"][1]["after"], Json::array({"pick"}));  // implied by order
  EXPECT_EQ(graph["steps"][2]["after"], Json::array({"pick"}));  // explicit
  EXPECT_FALSE(graph["steps"][1].contains("compensate"));
}

TEST_F(DashboardRoutesTest, TheGraphAlsoComesAsDotOrMermaidAndRefusesNonsense) {
  EXPECT_THAT(Get("/v1/definitions/Ship/graph").body, HasSubstr("digraph"));
  EXPECT_THAT(Get("/v1/definitions/Ship/graph?format=mermaid&version=2").body, HasSubstr("flowchart"));
  EXPECT_EQ(Get("/v1/definitions/Ship/graph?format=png").status, 400);
  EXPECT_EQ(Get("/v1/definitions/Ship/graph?version=x").status, 400);
  EXPECT_EQ(Get("/v1/definitions/Ship/graph?version=1").status, 404);
  EXPECT_EQ(Get("/v1/definitions/Nope/graph").status, 404);
}

}  // namespace
}  // namespace sagad::http
