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

// A redirect is not followed (http_protocol.cc says why): the command never
// reaches the host it points to, and the reason tells the operator where the
// participant went.
TEST(HttpTransport, ARedirectIsNotFollowedAndTheReasonNamesTheLocation) {
  std::atomic<int> reached{0};
  TestHttpServer elsewhere([&](const TestRequest& r) {
    ++reached;
    return Reserved(r);
  });
  const std::string location = elsewhere.Url("/inventory/ReserveStock");
  TestHttpServer moved([&](const TestRequest&) {
    return TestAction::Respond(307, "").WithHeader("Location", location);
  });
  auto transport = Connect(moved.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("HTTP 307 from " + moved.Url("/inventory/ReserveStock")));
  EXPECT_THAT(reply.reason, HasSubstr("redirects to " + location));
  EXPECT_EQ(reached.load(), 0);
}

// Judged at the first bytes: the server stays connected and silent after its
// garbage, so waiting for a whole header would end in "no reply within
// 10000 ms", which sends the operator looking for the wrong fault.
TEST(HttpTransport, BytesThatAreNotHttpAreTransientAndQuoted) {
  struct Case {
    std::string garbage;
    std::string quoted;
  };
  for (const Case& c : {Case{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "SSH-2.0-OpenSSH_9.2p1 Debian-2\\x0d\\x0a"},
                        // a TLS server's alert to a plain-text request
                        Case{std::string("\x15\x03\x01\x00\x02\x02\x46", 7), "\\x15\\x03\\x01\\x00\\x02\\x02F"}}) {
    TestHttpServer server([&](const TestRequest&) { return TestAction::Raw(c.garbage); });
    auto transport = Connect(server.Url("/inventory"));

    Reply reply = SendAndWait(*transport, Command("c-1"));

    EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
    EXPECT_THAT(reply.reason, HasSubstr("the reply from " + server.Url("/inventory/ReserveStock") +
                                        " is not HTTP: it begins \"" + c.quoted + "\""));
  }
}

// What a proxy in front of a participant answers when the participant is
// not there.
TEST(HttpTransport, AnHtmlPageWithStatus200IsTransient) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::Respond(200, "<html><body>Welcome to nginx!</body></html>");
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("HTTP 200 from " + server.Url("/inventory/ReserveStock")));
  EXPECT_THAT(reply.reason, HasSubstr("malformed body"));
}

// The request timeout bounds the whole reply, not the silence between two
// bytes: a participant that keeps sending never holds a command forever.
TEST(HttpTransport, AReplyThatNeverEndsTimesOut) {
  TestHttpServer server([](const TestRequest&) { return TestAction::Trickle(); });
  HttpTransportOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  auto transport = Connect(server.Url("/inventory"), options);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("no reply from " + server.Url("/inventory/ReserveStock") + " within 300 ms"));
}

// Without Content-Length or chunking the body runs to the end of the
// connection; a participant that then keeps the connection open never
// finishes its reply.
TEST(HttpTransport, ABodyWithoutALengthOnAConnectionThatNeverClosesTimesOut) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::RawThenHang("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"event\":\"StockReserved\"}");
  });
  HttpTransportOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  auto transport = Connect(server.Url("/inventory"), options);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("within 300 ms"));
}

TEST(HttpTransport, AChunkedReplyLargerThanTheLimitIsTransient) {
  std::string reply_bytes = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) reply_bytes += "200\r\n" + std::string(0x200, ' ') + "\r\n";
  reply_bytes += "0\r\n\r\n";
  TestHttpServer server([&](const TestRequest&) { return TestAction::Raw(reply_bytes); });
  HttpTransportOptions options;
  options.max_reply_bytes = 1024;
  auto transport = Connect(server.Url("/inventory"), options);

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("larger than 1024 bytes"));
}

TEST(HttpTransport, HeadersLargerThanTheParserTakesAreTransient) {
  TestHttpServer server([](const TestRequest&) {
    return TestAction::Raw("HTTP/1.1 200 OK\r\nX-Padding: " + std::string(64 * 1024, 'p') +
                           "\r\nContent-Length: 2\r\n\r\n{}");
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply reply = SendAndWait(*transport, Command("c-1"));

  EXPECT_EQ(reply.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(reply.reason, HasSubstr("malformed HTTP reply from " + server.Url("/inventory/ReserveStock")));
}

// A participant that answers one request twice must not have its second
// answer taken for the reply to the next command sent on that connection:
// that command would be recorded as done without the participant having
// seen it.
TEST(HttpTransport, ASecondReplyToOneRequestIsNeverTakenForTheNextCommand) {
  auto reply_for = [](const std::string& id) {
    std::string body = Json{{"event", "StockReserved"}, {"data", {{"for", id}}}}.dump();
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  std::mutex mu;
  std::vector<std::string> seen;
  TestHttpServer server([&](const TestRequest& r) {
    std::lock_guard lock(mu);
    seen.push_back(r.idempotency_key);
    if (r.idempotency_key == "c-1") return TestAction::Raw(reply_for("c-1") + reply_for("c-1 again"));
    return TestAction::Raw(reply_for(r.idempotency_key));
  });
  auto transport = Connect(server.Url("/inventory"));

  Reply first = SendAndWait(*transport, Command("c-1"));
  Reply second = SendAndWait(*transport, Command("c-2"));

  EXPECT_EQ(first.data, (Json{{"for", "c-1"}}));
  EXPECT_EQ(second.outcome, Reply::Outcome::kEvent) << second.reason;
  EXPECT_EQ(second.data, (Json{{"for", "c-2"}}));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"c-1", "c-2"}));
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
