// The server over real loopback sockets: keep-alive, limits, timeouts, the
// connection cap (idle connections make room, busy ones are not evicted),
// handler failures, concurrency and shutdown.
#include "http-api/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http-api/ops_routes.h"
#include "http-api/testing/raw_client.h"

namespace sagad::http {
namespace {

using namespace std::chrono_literals;
using testing::HttpRequest;
using testing::RawClient;
using testing::RawResponse;

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    options.listen = "127.0.0.1:0";
    options.io_threads = 2;
    options.body_limit = 1024;
    options.header_timeout = 300ms;
    options.idle_timeout = 2s;
    options.shutdown_grace = 2s;
    AddOpsRoutes(router, registry);
    router.Add(Method::kPost, "/echo", [](const Request& request, const PathParams&) {
      return Response::Text(200, request.body);
    });
    router.Add(Method::kGet, "/v1/sagas/{id}", [](const Request&, const PathParams& params) {
      return Response::Json(200, Json{{"id", params.at("id")}});
    });
    router.Add(Method::kGet, "/boom", [](const Request&, const PathParams&) -> Response {
      throw std::runtime_error("handler bug");
    });
    router.Add(Method::kGet, "/slow", [this](const Request&, const PathParams&) {
      slow_entered.set_value();
      std::this_thread::sleep_for(300ms);
      return Response::Text(200, "finally");
    });
  }

  void Start() {
    server = std::make_unique<HttpServer>(options, std::move(router), registry);
    ASSERT_TRUE(server->Start().ok());
    ASSERT_NE(server->port(), 0);
  }

  HttpServerOptions options;
  metrics::Registry registry;
  Router router;
  std::promise<void> slow_entered;
  std::unique_ptr<HttpServer> server;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  RawClient client(server->port());
  for (int i = 0; i < 5; ++i) {
    std::optional<RawResponse> response = client.Exchange(HttpRequest("GET", "/v1/sagas/s-" + std::to_string(i)));
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "{\"id\":\"s-" + std::to_string(i) + "\"}");
    EXPECT_EQ(response->Header("content-type"), "application/json");
    EXPECT_EQ(response->Header("server"), "sagad");
  }
  std::optional<RawResponse> echo = client.Exchange(HttpRequest("POST", "/echo", "hello"));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body, "hello");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  RawClient client(server->port());
  ASSERT_TRUE(client.Send(HttpRequest("GET", "/v1/sagas/a") + HttpRequest("GET", "/v1/sagas/b")));
  EXPECT_EQ(client.Read()->body, "{\"id\":\"a\"}");
  EXPECT_EQ(client.Read()->body, "{\"id\":\"b\"}");
}

TEST_F(HttpServerTest, HeadGetsHeadersWithoutBody) {
  Start();
  RawClient client(server->port());
  ASSERT_TRUE(client.Send(HttpRequest("HEAD", "/healthz") + HttpRequest("GET", "/healthz")));
  // The HEAD response's Content-Length describes a body that is not sent, so
  // read it by hand: the next bytes must be the GET response.
  std::optional<RawResponse> head = client.Read();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body.substr(0, 8), "HTTP/1.1");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  Start();
  RawClient client(server->port());
  std::optional<RawResponse> response = client.Exchange(HttpRequest("POST", "/echo", std::string(4096, 'x')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
  EXPECT_TRUE(client.WaitClosed(2s));
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  Start();
  RawClient client(server->port());
  std::string chunk(900, 'y');
  std::string request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "384\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  std::optional<RawResponse> response = client.Exchange(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndTheServerCarriesOn) {
  Start();
  for (std::string bad : {std::string("GARBAGE\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
                          std::string("GET /x HTTP/1.1\r\nBad Header\r\n\r\n"),
                          std::string("POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
                          std::string("\x00\x01\x02\xff\r\n\r\n", 8)}) {
    RawClient client(server->port());
    std::optional<RawResponse> response = client.Exchange(bad);
    ASSERT_TRUE(response) << bad;
    EXPECT_EQ(response->status, 400) << bad;
    EXPECT_TRUE(client.WaitClosed(2s));
  }
  RawClient client(server->port());
  EXPECT_EQ(client.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
}

TEST_F(HttpServerTest, BadTargetIs400OnAKeptConnection) {
  Start();
  RawClient client(server->port());
  EXPECT_EQ(client.Exchange(HttpRequest("GET", "/v1/sagas/%zz"))->status, 400);
  EXPECT_EQ(client.Exchange(HttpRequest("GET", "/v1/sagas/ok"))->status, 200);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  options.header_limit = 1024;
  Start();
  RawClient client(server->port());
  std::optional<RawResponse> response =
      client.Exchange(HttpRequest("GET", "/healthz", "", "X-Big: " + std::string(4096, 'h') + "\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
}

TEST_F(HttpServerTest, SlowClientIsDisconnectedAfterTheHeaderTimeout) {
  Start();
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.1\r\nHost: sl"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitClosed(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  options.idle_timeout = 200ms;
  Start();
  RawClient client(server->port());
  EXPECT_EQ(client.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  EXPECT_TRUE(client.WaitClosed(2s));
}

TEST_F(HttpServerTest, AtTheCapTheConnectionIdleLongestMakesRoomForANewOne) {
  options.max_connections = 2;
  Start();
  RawClient oldest(server->port());
  ASSERT_EQ(oldest.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  RawClient newer(server->port());
  ASSERT_EQ(newer.Exchange(HttpRequest("GET", "/healthz"))->status, 200);

  RawClient newcomer(server->port());
  EXPECT_EQ(newcomer.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  EXPECT_TRUE(oldest.WaitClosed(2s));
  EXPECT_EQ(newer.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  std::string metrics = registry.Render();
  EXPECT_NE(metrics.find("sagad_http_evicted_connections_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("sagad_http_refused_connections_total 0\n"), std::string::npos) << metrics;
}

TEST_F(HttpServerTest, ConnectionsBeyondTheCapAreRefusedWhenNoneIsIdle) {
  options.max_connections = 2;
  options.header_timeout = 30s;
  Start();
  // Both in the middle of a request's header: busy, so not evictable.
  std::optional<RawClient> a(std::in_place, server->port());
  RawClient b(server->port());
  ASSERT_TRUE(a->Send("GET /healthz HTTP/1.1\r\n"));
  ASSERT_TRUE(b.Send("GET /healthz HTTP/1.1\r\n"));
  std::this_thread::sleep_for(200ms);  // let both sessions read their first bytes
  RawClient c(server->port());
  std::optional<RawResponse> refused = c.Read(2s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_TRUE(c.WaitClosed(2s));

  // A slot frees when a connection ends.
  a.reset();
  std::this_thread::sleep_for(200ms);
  RawClient d(server->port());
  EXPECT_EQ(d.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  EXPECT_NE(registry.Render().find("sagad_http_refused_connections_total 1\n"), std::string::npos);
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndTheConnectionStaysUsable) {
  Start();
  RawClient client(server->port());
  std::optional<RawResponse> response = client.Exchange(HttpRequest("GET", "/boom"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
  EXPECT_EQ(client.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
}

TEST_F(HttpServerTest, ConcurrentClients) {
  Start();
  constexpr int kClients = 16;
  constexpr int kRequests = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      RawClient client(server->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string id = std::to_string(c) + "-" + std::to_string(i);
        std::optional<RawResponse> r = client.Exchange(HttpRequest("GET", "/v1/sagas/" + id));
        if (r && r->status == 200 && r->body == "{\"id\":\"" + id + "\"}") ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  EXPECT_NE(registry.Render().find("sagad_http_requests_total{route=\"/v1/sagas/{id}\",code=\"200\"} 800\n"),
            std::string::npos);
}

TEST_F(HttpServerTest, StopFinishesTheRequestInFlightAndClosesIdleConnections) {
  Start();
  RawClient idle(server->port());
  ASSERT_EQ(idle.Exchange(HttpRequest("GET", "/healthz"))->status, 200);
  RawClient busy(server->port());
  ASSERT_TRUE(busy.Send(HttpRequest("GET", "/slow")));
  slow_entered.get_future().wait();
  std::thread stopper([&] { server->Stop(); });

  std::optional<RawResponse> response = busy.Read(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "finally");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(2s));
  EXPECT_TRUE(idle.WaitClosed(2s));
  stopper.join();
  RawClient late(server->port());
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, StopClosesAClientStuckMidHeader) {
  options.header_timeout = 30s;
  options.shutdown_grace = 200ms;
  Start();
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.1\r\n"));
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(client.WaitClosed(1s));
}

TEST_F(HttpServerTest, BadListenAddressesAreErrors) {
  options.listen = "not-an-ip:80";
  server = std::make_unique<HttpServer>(options, Router(), registry);
  EXPECT_EQ(server->Start().code(), StatusCode::kInvalidArgument);

  options.listen = "127.0.0.1:0";
  HttpServer first(options, Router(), registry);
  ASSERT_TRUE(first.Start().ok());
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(options, Router(), registry);
  EXPECT_EQ(second.Start().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sagad::http
