#include "http-api/router.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace sagad::http {
namespace {

// spdlog writes to stdout; death tests read stderr.
void LogToStderr() { spdlog::set_default_logger(spdlog::stderr_logger_st("death-test")); }

Handler Named(std::string name) {
  return [name](const Request&, const PathParams&) { return Response::Text(200, name); };
}

std::string Invoke(const RouteMatch& match) {
  Request request;
  return std::get<Handler>(match.route->handler)(request, match.params).body;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.Add(Method::kGet, "/v1/sagas", Named("list"));
    router.Add(Method::kGet, "/v1/sagas/{id}", Named("get"));
    router.Add(Method::kGet, "/v1/sagas/stats", Named("stats"));
    router.Add(Method::kPost, "/v1/sagas/{id}/retry", Named("retry"));
    router.Add(Method::kPost, "/v1/sagas/{definition}", Named("start"));
    router.Add(Method::kGet, "/v1/definitions/{name}/graph", Named("graph"));
    router.Add(Method::kGet, "/", Named("root"));
  }
  Router router;
};

TEST_F(RouterTest, MatchesLiteralsAndCapturesParams) {
  RouteMatch match = router.Find(Method::kPost, "/v1/sagas/s-1/retry");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(match), "retry");
  EXPECT_EQ(match.route->pattern, "/v1/sagas/{id}/retry");
  EXPECT_EQ(match.params.at("id"), "s-1");
  EXPECT_EQ(Invoke(router.Find(Method::kGet, "/v1/sagas")), "list");
  EXPECT_EQ(Invoke(router.Find(Method::kGet, "/")), "root");
}

TEST_F(RouterTest, PercentDecodesParamsAfterSplitting) {
  RouteMatch match = router.Find(Method::kGet, "/v1/sagas/order%2F42%3Fx%20y");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.params.at("id"), "order/42?x y");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  EXPECT_EQ(Invoke(router.Find(Method::kGet, "/v1/sagas/stats")), "stats");
  EXPECT_EQ(Invoke(router.Find(Method::kGet, "/v1/sagas/other")), "get");
}

TEST_F(RouterTest, SameShapeDifferentMethodsAreSeparateRoutes) {
  EXPECT_EQ(Invoke(router.Find(Method::kPost, "/v1/sagas/place_order")), "start");
  EXPECT_EQ(Invoke(router.Find(Method::kGet, "/v1/sagas/place_order")), "get");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  RouteMatch match = router.Find(Method::kHead, "/v1/sagas/x");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(match), "get");
}

TEST_F(RouterTest, UnknownPathsAre404) {
  for (std::string_view path : {"/v2/sagas", "/v1/sagas/x/y", "/v1/sagas/", "/v1/sagas//retry", "/nothing"}) {
    EXPECT_EQ(router.Find(Method::kGet, path).kind, RouteMatch::Kind::kNotFound) << path;
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  RouteMatch match = router.Find(Method::kDelete, "/v1/sagas/x");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
  match = router.Find(Method::kGet, "/v1/sagas/x/retry");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "POST");
}

TEST_F(RouterTest, BadEscapeInPathIsReported) {
  RouteMatch match = router.Find(Method::kGet, "/v1/sagas/%zz");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kBadPath);
  EXPECT_NE(match.error.find("percent"), std::string::npos);
}

TEST(RouterDeathTest, MalformedOrDuplicateRoutesAbort) {
  EXPECT_DEATH(LogToStderr(); Router().Add(Method::kGet, "no-slash", Named("x")), "must start with");
  EXPECT_DEATH(LogToStderr(); Router().Add(Method::kGet, "/a/{id", Named("x")), "whole segment");
  EXPECT_DEATH(LogToStderr(); Router().Add(Method::kGet, "/a/{id}/{id}", Named("x")), "twice");
  EXPECT_DEATH(LogToStderr(); 
      {
        Router r;
        r.Add(Method::kGet, "/a/{id}", Named("x"));
        r.Add(Method::kGet, "/a/{name}", Named("y"));
      },
      "duplicates");
}

}  // namespace
}  // namespace sagad::http
