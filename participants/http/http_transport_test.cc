// HttpTransport against a scripted server: the reply mapping end to end,
// every fault the protocol names, pooling, the connection cap and Stop.
#include "participants/http/http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

#include "participants/http/test_http_server.h"
#include "participants/http/transport_test_support.h"

namespace sagad::participants {
namespace {

using coordinator::Reply;
using httptest::Await;
using httptest::Command;
using httptest::SendAndWait;
using httptest::SendAsync;
using httptest::TestAction;
using httptest::TestHttpServer;
using httptest::TestRequest;
using ::testing::HasSubstr;

std::unique_ptr<HttpTransport> Connect(const std::string& url, HttpTransportOptions options = {}) {
  auto transport = HttpTransport::Create(url, options);
  EXPECT_TRUE(transport.ok()) << transport.status().ToString();
  return transport.ok() ? std::move(transport).value() : nullptr;
}

TestAction Reserved(const TestRequest&) {
  return TestAction::Respond(200, R"({"event":"StockReserved","data":{"reserved":3}})");
}

TEST(HttpTransport, PostsTheCommandAndMapsAnEventReply) {
  std::mutex mu;
  TestRequest seen;
  TestHttpServer server([&](const TestRequest& r) {
    std::lock_guard lock(mu);
    seen = r;
    return Reserved(r);
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("saga-1/reserve/do/1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kEvent) << reply.reason;
  EXPECT_EQ(reply.event_type, "StockReserved");
  EXPECT_EQ(reply.data, (Json{{"reserved", 3}}));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/inventory/ReserveStock");
  EXPECT_EQ(seen.idempotency_key, "saga-1/reserve/do/1");
  EXPECT_EQ(seen.content_type, "application/json");
  EXPECT_EQ(Json::parse(seen.body), (Json{{"command_id", "saga-1/reserve/do/1"},
                                          {"attempt", 1},
                                          {"saga_id", "saga-1"},
                                          {"type", "ReserveStock"},
                                          {"target", "sku-1"},
                                          {"payload", {{"order_id", "o-1"}, {"qty", 3}}}}));
}

TEST(HttpTransport, UnprocessableIsABusinessFailure) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::Respond(422, R"({"event":"StockRejected","error":"only 2 left","data":{"available":2}})");
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(reply.event_type, "StockRejected");
  EXPECT_EQ(reply.reason, "only 2 left");
  EXPECT_EQ(reply.data, (Json{{"available", 2}}));
}

TEST(HttpTransport, ServerErrorIsTransientAndTheRetryCanSucceed) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest& r) {
    if (calls++ == 0) return TestAction::Respond(500, R"({"error":"database down"})");
    return Reserved(r);
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply first = SendAndWait(*transport, Command("c-1"));
  Reply second = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(first.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(first.reason, HasSubstr("HTTP 500"));
  EXPECT_THAT(first.reason, HasSubstr(server.Url("/inventory/ReserveStock")));
  EXPECT_THAT(first.reason, HasSubstr("database down"));
  EXPECT_EQ(second.outcome, Reply::Outcome::kEvent) << second.reason;
}

TEST(HttpTransport, NotFoundIsTransientAndNamesTheUrl) {
  TestHttpServer server([](const TestRequest&) { return TestAction::Respond(404, ""); });
  auto transport = Connect(server.Url("/inventroy"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_EQ(reply.reason, "HTTP 404 from " + server.Url("/inventroy/ReserveStock"));
}

TEST(HttpTransport, NoReplyWithinTheRequestTimeoutIsTransient) {
  TestHttpServer server([](const TestRequest&) { return TestAction::Hang(); });
  HttpTransportOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  auto transport = Connect(server.Url("/inventory"), options);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("no reply from " + server.Url("/inventory/ReserveStock") + " within 200 ms"));
}

TEST(HttpTransport, ConnectionClosedMidReplyIsTransient) {
  TestHttpServer server([](const TestRequest&) { return TestAction::CloseMidReply(); });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("closed the connection in the middle of its reply"));
}

TEST(HttpTransport, MalformedJsonOnSuccessIsTransient) {
  TestHttpServer server([](const TestRequest&) { return TestAction::Respond(200, R"({"event": "StockRes)"); });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("malformed body"));
}

TEST(HttpTransport, ReplyLargerThanTheLimitIsTransient) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::Respond(200, R"({"data":{"blob":")" + std::string(4096, 'x') + R"("}})");
  });
  HttpTransportOptions options;
  options.max_reply_bytes = 1024;
  auto transport = Connect(server.Url("/inventory"), options);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("larger than 1024 bytes"));
}

TEST(HttpTransport, ConnectionRefusedIsTransient) {
  std::string url;
  {
    TestHttpServer gone([](const TestRequest& r) { return Reserved(r); });
    url = gone.Url("/inventory");
  }  // nothing listens on that port any more
  auto transport = Connect(url);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("cannot connect to " + url + "/ReserveStock"));
}

TEST(HttpTransport, SequentialSendsReuseOneConnection) {
  TestHttpServer server(Reserved);
  auto transport = Connect(server.Url("/inventory"));

  for (int i = 0; i < 50; ++i) {
    Reply reply = SendAndWait(*transport, Command("c-" + std::to_string(i)));
    ASSERT_EQ(reply.outcome, Reply::Outcome::kEvent) << reply.reason;
  }

  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(HttpTransport, AConnectionClosedWhileIdleIsReplacedWithoutAnError) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::RespondThenClose(200, R"({"event":"StockReserved"})");
  });
  auto transport = Connect(server.Url("/inventory"));

  for (int i = 0; i < 3; ++i) {
    Reply reply = SendAndWait(*transport, Command("c-" + std::to_string(i)));
    EXPECT_EQ(reply.outcome, Reply::Outcome::kEvent) << reply.reason;
  }
  EXPECT_EQ(server.connections_accepted(), 3);
}

TEST(HttpTransport, SendsBeyondTheConnectionCapQueueAndAllGetAnswered) {
  TestHttpServer server([](const TestRequest& r) {
    return TestAction::Respond(200, Json{{"event", "StockReserved"}, {"data", {{"echo", r.idempotency_key}}}}.dump());
  });
  HttpTransportOptions options;
  options.max_connections = 4;
  auto transport = Connect(server.Url("/inventory"), options);

  std::vector<std::future<Reply>> replies;
  for (int i = 0; i < 200; ++i) replies.push_back(SendAsync(*transport, Command("c-" + std::to_string(i))));

  for (int i = 0; i < 200; ++i) {
    Reply reply = Await(replies[i]);
    ASSERT_EQ(reply.outcome, Reply::Outcome::kEvent) << reply.reason;
    EXPECT_EQ(reply.data["echo"], "c-" + std::to_string(i));
  }
  EXPECT_LE(server.peak_open_connections(), 4);
  EXPECT_LE(server.connections_accepted(), 4);
}

TEST(HttpTransport, StopAnswersEveryCommandInFlightOrQueued) {
  std::promise<void> two_arrived;
  std::atomic<int> arrived{0};
  TestHttpServer server([&](const TestRequest&) {
    if (++arrived == 2) two_arrived.set_value();
    return TestAction::Hang();
  });
  HttpTransportOptions options;
  options.max_connections = 2;
  auto transport = Connect(server.Url("/inventory"), options);

  std::vector<std::future<Reply>> replies;
  for (int i = 0; i < 6; ++i) replies.push_back(SendAsync(*transport, Command("c-" + std::to_string(i))));
  // Two on the wire, four queued behind the cap.
  ASSERT_EQ(two_arrived.get_future().wait_for(httptest::kReplyWait), std::future_status::ready);

  transport->Stop();

  for (auto& future : replies) {
    ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);  // Stop answered before returning
    Reply reply = future.get();
    EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
    EXPECT_EQ(reply.reason, "transport stopped");
  }
  Reply late = SendAndWait(*transport, Command("c-late"));
  EXPECT_EQ(late.reason, "transport stopped");
  transport->Stop();  // idempotent
}

TEST(HttpTransport, DestroyingTheTransportAnswersWhatIsInFlight) {
  TestHttpServer server([](const TestRequest&) { return TestAction::Hang(); });
  auto transport = Connect(server.Url("/inventory"));
  std::future<Reply> reply = SendAsync(*transport, Command("c-1"));

  transport.reset();

  ASSERT_EQ(reply.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(reply.get().reason, "transport stopped");
}

TEST(HttpTransport, StopFromAReplyCallbackDoesNotDeadlock) {
  TestHttpServer server(Reserved);
  auto transport = Connect(server.Url("/inventory"));
  std::promise<Reply> stopped_inside;
  HttpTransport* raw = transport.get();
  transport->Send(Command("c-1"), [&, raw](Reply r) {
    raw->Stop();
    stopped_inside.set_value(std::move(r));
  });
  std::future<Reply> reply = stopped_inside.get_future();

  ASSERT_EQ(reply.wait_for(httptest::kReplyWait), std::future_status::ready);
  EXPECT_EQ(reply.get().outcome, Reply::Outcome::kEvent);
  EXPECT_EQ(SendAndWait(*transport, Command("c-2")).reason, "transport stopped");
  transport.reset();  // joins the I/O thread from here
}

TEST(HttpTransport, CreateRefusesBadUrlsAndOptions) {
  for (const char* url : {"https://127.0.0.1/x", "127.0.0.1:80/x", "http://", "http://:80/x", "http://host:0/x",
                          "http://host:99999/x", "http://host/x?y=1", "http://user@host/x", "http://host/a b"}) {
    auto transport = HttpTransport::Create(url);
    ASSERT_FALSE(transport.ok()) << url;
    EXPECT_EQ(transport.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(transport.status().message(), HasSubstr(url));
  }
  HttpTransportOptions options;
  options.max_connections = 0;
  EXPECT_EQ(HttpTransport::Create("http://127.0.0.1:9/x", options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sagad::participants
