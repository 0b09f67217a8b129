// Prometheus' own linter reads what GET /metrics serves: if promtool accepts
// it, a real Prometheus will. promtool comes with Debian's `prometheus`
// package; without it the test is skipped, not failed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "http-api/http_server.h"
#include "http-api/ops_routes.h"
#include "http-api/testing/raw_client.h"

namespace sagad::http {
namespace {

TEST(Promtool, AcceptsTheMetricsEndpoint) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not found (apt-get install prometheus)";
  }
  metrics::Registry registry;
  // Something of every kind, with values that need escaping.
  registry.Counter("sagad_sagas_started_total", "Saga instances started.", {"definition"})
      .With({"odd \"name\"\\with\nnewline"})
      .Inc(2);
  registry.Gauge("sagad_queue_depth", "Commands waiting, per shard.", {"shard"}).With({"0"}).Set(7);
  registry.Histogram("sagad_store_append_seconds", "Store append latency.", {}, metrics::LatencyBuckets())
      .With({})
      .Observe(0.003);

  Router router;
  AddOpsRoutes(router, registry);
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  HttpServer server(options, std::move(router), registry);
  ASSERT_TRUE(server.Start().ok());
  testing::RawClient client(server.port());
  ASSERT_TRUE(client.Exchange(testing::HttpRequest("GET", "/healthz")));
  std::optional<testing::RawResponse> metrics = client.Exchange(testing::HttpRequest("GET", "/metrics"));
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");

  FILE* pipe = ::popen("promtool check metrics 2>&1", "w");
  ASSERT_NE(pipe, nullptr);
  std::fwrite(metrics->body.data(), 1, metrics->body.size(), pipe);
  int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << "promtool check metrics refused:\n" << metrics->body;
}

}  // namespace
}  // namespace sagad::http
