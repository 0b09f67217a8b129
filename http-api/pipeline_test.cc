#include "http-api/pipeline.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

#include "http-api/ops_routes.h"

namespace sagad::http {
namespace {

Request Make(Method method, std::string target, std::string authorization = "") {
  Request request;
  request.method = method;
  request.target = std::move(target);
  if (!authorization.empty()) request.headers.emplace_back("authorization", std::move(authorization));
  return request;
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    AddOpsRoutes(router, registry, [this] { return ready; });
    router.Add(Method::kGet, "/v1/sagas/{id}", [](const Request& request, const PathParams& params) {
      return Response::Json(200, Json{{"id", params.at("id")}, {"view", request.Query("view").value_or("")}});
    });
    router.Add(Method::kPost, "/v1/boom", [](const Request&, const PathParams&) -> Response {
      throw std::runtime_error("handler bug");
    });
    router.AddAsync(Method::kPost, "/v1/later", [](Request request, PathParams, Responder responder) {
      std::thread([body = request.body, responder = std::move(responder)]() mutable {
        responder.Send(Response::Text(202, body));
      }).detach();
    });
    router.AddAsync(Method::kPost, "/v1/dropped", [](Request, PathParams, Responder) {});
  }

  Response Call(Request request, AuthOptions auth = {}) {
    RequestPipeline pipeline(router, std::move(auth), registry);
    return pipeline.HandleNow(std::move(request));
  }

  metrics::Registry registry;
  Router router;
  Status ready = Status::Ok();
};

TEST_F(PipelineTest, RoutesWithDecodedParamsAndQuery) {
  Response response = Call(Make(Method::kGet, "/v1/sagas/a%2Fb?view=full"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(*ParseJson(response.body), (Json{{"id", "a/b"}, {"view", "full"}}));
}

TEST_F(PipelineTest, ErrorsAreProblems) {
  Response not_found = Call(Make(Method::kGet, "/v1/nope"));
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(not_found.content_type, "application/problem+json");
  Response wrong_method = Call(Make(Method::kDelete, "/v1/sagas/x"));
  EXPECT_EQ(wrong_method.status, 405);
  ASSERT_EQ(wrong_method.headers.size(), 1u);
  EXPECT_EQ(wrong_method.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD"}));
  EXPECT_EQ(Call(Make(Method::kGet, "/v1/sagas/%zz")).status, 400);
  EXPECT_EQ(Call(Make(Method::kGet, "/v1/sagas/x?a=%zz")).status, 400);
  EXPECT_EQ(Call(Make(Method::kGet, "http://host/v1/sagas/x")).status, 400);
}

TEST_F(PipelineTest, ThrowingHandlerIs500) {
  Response response = Call(Make(Method::kPost, "/v1/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_EQ(response.body.find("handler bug"), std::string::npos) << "internals stay in the log";
}

TEST_F(PipelineTest, AsyncHandlerAnswersFromAnotherThread) {
  RequestPipeline pipeline(router, {}, registry);
  std::promise<Response> answered;
  Request request = Make(Method::kPost, "/v1/later");
  request.body = "queued";
  pipeline.Handle(std::move(request), [&](Response r) { answered.set_value(std::move(r)); });
  Response response = answered.get_future().get();
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "queued");
}

TEST_F(PipelineTest, DroppedResponderAnswers500) {
  EXPECT_EQ(Call(Make(Method::kPost, "/v1/dropped")).status, 500);
}

TEST_F(PipelineTest, AuthAppliesExceptToProbes) {
  AuthOptions auth{"tok", /*protect_reads=*/true};
  EXPECT_EQ(Call(Make(Method::kGet, "/v1/sagas/x"), auth).status, 401);
  EXPECT_EQ(Call(Make(Method::kGet, "/v1/sagas/x", "Bearer bad"), auth).status, 403);
  EXPECT_EQ(Call(Make(Method::kGet, "/v1/sagas/x", "Bearer tok"), auth).status, 200);
  EXPECT_EQ(Call(Make(Method::kGet, "/metrics"), auth).status, 401);
  EXPECT_EQ(Call(Make(Method::kGet, "/healthz"), auth).status, 200);
  EXPECT_EQ(Call(Make(Method::kGet, "/readyz"), auth).status, 200);
  EXPECT_EQ(Call(Make(Method::kPost, "/v1/boom"), AuthOptions{"tok"}).status, 401);
}

TEST_F(PipelineTest, HealthAndReadiness) {
  Response health = Call(Make(Method::kGet, "/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(*ParseJson(health.body), (Json{{"status", "up"}}));
  EXPECT_EQ(Call(Make(Method::kGet, "/readyz")).status, 200);
  ready = Status::Unavailable("recovery running");
  Response not_ready = Call(Make(Method::kGet, "/readyz"));
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("recovery running"), std::string::npos);
}

TEST_F(PipelineTest, CountsRequestsByRoutePatternNotPath) {
  Call(Make(Method::kGet, "/v1/sagas/a"));
  Call(Make(Method::kGet, "/v1/sagas/b"));
  Call(Make(Method::kGet, "/random/1"));
  Call(Make(Method::kGet, "/random/2"));
  std::string text = registry.Render();
  EXPECT_NE(text.find("sagad_http_requests_total{route=\"/v1/sagas/{id}\",code=\"200\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("sagad_http_requests_total{route=\"unmatched\",code=\"404\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("sagad_http_request_duration_seconds_count{route=\"/v1/sagas/{id}\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("/random"), std::string::npos);
}

TEST_F(PipelineTest, MetricsRouteServesTheTextFormat) {
  Response response = Call(Make(Method::kGet, "/metrics"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(response.body.find("# TYPE sagad_http_requests_total counter"), std::string::npos);
}

}  // namespace
}  // namespace sagad::http
