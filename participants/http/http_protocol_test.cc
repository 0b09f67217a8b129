// The HTTP participant protocol without sockets: URL parsing and every row
// of the reply mapping table in docs/participants.md.
#include "participants/http/http_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "participants/http/http_url.h"

namespace sagad::participants {
namespace {

using coordinator::Reply;
using ::testing::HasSubstr;

constexpr char kUrl[] = "http://127.0.0.1:9101/inventory/ReserveStock";

TEST(HttpUrl, ParsesHostPortAndBasePath) {
  auto url = ParseHttpUrl("http://127.0.0.1:9101/flights/");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9101);
  EXPECT_EQ(url->base_path, "/flights");
  EXPECT_EQ(url->TargetFor("BookFlight"), "/flights/BookFlight");
  EXPECT_EQ(url->ToString(), "http://127.0.0.1:9101/flights");
}

TEST(HttpUrl, DefaultsPortAndRootPath) {
  auto url = ParseHttpUrl("HTTP://inventory.local");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->base_path, "");
  EXPECT_EQ(url->TargetFor("ReserveStock"), "/ReserveStock");
  EXPECT_EQ(url->HostHeader(), "inventory.local:80");
}

TEST(HttpUrl, AcceptsBracketedIpv6) {
  auto url = ParseHttpUrl("http://[::1]:8080/x");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->HostHeader(), "[::1]:8080");
}

TEST(HttpUrl, PercentEncodesCommandTypesThatAreNotPlainNames) {
  auto url = ParseHttpUrl("http://h/p");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->TargetFor("a b/c"), "/p/a%20b%2Fc");
}

TEST(HttpUrl, RefusesWhatItCannotServe) {
  for (const char* bad : {"https://h/x", "ftp://h", "h:80", "http://", "http://:1", "http://h:", "http://h:abc",
                          "http://h:0", "http://h:65536", "http://[::1", "http://[::1]x", "http://u@h/", "http://h/?q",
                          "http://h/#f", "http://h/a\r\nb"}) {
    auto url = ParseHttpUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(HttpProtocol, RequestBodyCarriesTheCommandItsAttemptAndItsSaga) {
  coordinator::OutgoingCommand c;
  c.command_id = "s/step/do";
  c.attempt = 3;
  c.command_type = "ReserveStock";
  c.target = "sku-1";
  c.payload = {{"qty", 2}};
  c.correlation_id = "s";
  c.compensable = true;
  EXPECT_EQ(Json::parse(CommandRequestBody(c)), (Json{{"command_id", "s/step/do"},
                                                      {"attempt", 3},
                                                      {"compensable", true},
                                                      {"saga_id", "s"},
                                                      {"type", "ReserveStock"},
                                                      {"target", "sku-1"},
                                                      {"payload", {{"qty", 2}}}}));
}

TEST(HttpProtocol, ACompensationNamesTheForwardCommandItUndoes) {
  coordinator::OutgoingCommand c;
  c.command_id = "s/step/compensate";
  c.command_type = "ReleaseStock";
  c.target = "sku-1";
  c.correlation_id = "s";
  c.compensates = coordinator::ForwardCommand{"s/step/do", "ReserveStock", "sku-1"};
  Json body = Json::parse(CommandRequestBody(c));
  EXPECT_EQ(body["compensates"],
            (Json{{"command_id", "s/step/do"}, {"command_type", "ReserveStock"}, {"target", "sku-1"}}));
  EXPECT_EQ(body["attempt"], 1);
  EXPECT_FALSE(body.contains("compensable"));
}

TEST(HttpProtocol, SuccessWithAnEventIsAnEvent) {
  Reply r = MapHttpReply(200, R"({"event":"StockReserved","data":{"left":4}})", kUrl);
  EXPECT_EQ(r.outcome, Reply::Outcome::kEvent);
  EXPECT_EQ(r.event_type, "StockReserved");
  EXPECT_EQ(r.data, (Json{{"left", 4}}));

  Reply no_data = MapHttpReply(201, R"({"event":"StockReserved"})", kUrl);
  EXPECT_EQ(no_data.outcome, Reply::Outcome::kEvent);
  EXPECT_EQ(no_data.data, Json::object());
}

TEST(HttpProtocol, SuccessWithoutAnEventIsSuccess) {
  Reply r = MapHttpReply(200, R"({"data":{"left":4}})", kUrl);
  EXPECT_EQ(r.outcome, Reply::Outcome::kSuccess);
  EXPECT_EQ(r.data, (Json{{"left", 4}}));
  EXPECT_EQ(MapHttpReply(204, "", kUrl).outcome, Reply::Outcome::kSuccess);
  EXPECT_EQ(MapHttpReply(200, "{}", kUrl).outcome, Reply::Outcome::kSuccess);
}

TEST(HttpProtocol, MalformedSuccessBodiesAreTransient) {
  for (const std::string& body : std::vector<std::string>{"{not json", "[1,2]", "42", R"({"event":7})", R"({"event":""})", R"({"data":[1]})",
                           "{\"a\":" + std::string(200, '['),
                           // The parser's own message quotes a long token (found by http_reply_fuzzer).
                           "{\"event\":" + std::string(104, '\n') +
                               "\xff\xff\xff\xff\xff\xff\xff\xff\x01 ckReserved\",\"data\":{}}"}) {
    Reply r = MapHttpReply(200, body, kUrl);
    EXPECT_EQ(r.outcome, Reply::Outcome::kTransient) << body;
    EXPECT_THAT(r.reason, HasSubstr(kUrl)) << body;
    EXPECT_THAT(r.reason, HasSubstr("malformed body")) << body;
    EXPECT_LT(r.reason.size(), 600u) << "a garbage body is quoted, not copied whole";
  }
}

TEST(HttpProtocol, ConflictAndUnprocessableAreBusinessFailures) {
  Reply full = MapHttpReply(422, R"({"event":"StockRejected","error":"only 2 left","data":{"left":2}})", kUrl);
  EXPECT_EQ(full.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(full.event_type, "StockRejected");
  EXPECT_EQ(full.reason, "only 2 left");
  EXPECT_EQ(full.data, (Json{{"left", 2}}));

  Reply event_only = MapHttpReply(409, R"({"event":"AlreadyCancelled"})", kUrl);
  EXPECT_EQ(event_only.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(event_only.reason, "AlreadyCancelled");

  Reply garbage = MapHttpReply(422, "<html>nope</html>", kUrl);
  EXPECT_EQ(garbage.outcome, Reply::Outcome::kFailure);
  EXPECT_EQ(garbage.reason, "HTTP 422");
  EXPECT_EQ(garbage.event_type, "");
}

TEST(HttpProtocol, EverythingElseIsTransientAndNamesUrlAndStatus) {
  for (unsigned status : {500u, 502u, 503u, 404u, 400u, 401u, 101u}) {
    Reply r = MapHttpReply(status, R"({"event":"StockReserved"})", kUrl);
    EXPECT_EQ(r.outcome, Reply::Outcome::kTransient) << status;
    EXPECT_EQ(r.reason, "HTTP " + std::to_string(status) + " from " + kUrl);
  }
  EXPECT_EQ(MapHttpReply(503, R"({"error":"draining"})", kUrl).reason, std::string("HTTP 503 from ") + kUrl + ": draining");
}

TEST(HttpProtocol, ARedirectIsTransientAndNamesWhereItPoints) {
  for (unsigned status : {301u, 302u, 303u, 307u, 308u}) {
    Reply r = MapHttpReply(status, R"({"event":"StockReserved"})", kUrl, "http://10.0.0.9/inventory/ReserveStock");
    EXPECT_EQ(r.outcome, Reply::Outcome::kTransient) << status;
    EXPECT_EQ(r.reason, "HTTP " + std::to_string(status) + " from " + kUrl +
                            " redirects to http://10.0.0.9/inventory/ReserveStock; sagad does not follow redirects: "
                            "point --participant at the participant's current URL");
  }
  Reply no_location = MapHttpReply(302, "", kUrl);
  EXPECT_EQ(no_location.outcome, Reply::Outcome::kTransient);
  EXPECT_THAT(no_location.reason, HasSubstr("a redirect without a Location"));
  Reply long_location = MapHttpReply(301, "", kUrl, "http://h/" + std::string(5000, 'a'));
  EXPECT_LT(long_location.reason.size(), 600u) << "a location is quoted, not copied whole";
}

}  // namespace
}  // namespace sagad::participants
