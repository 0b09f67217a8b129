#include "http-api/request.h"

#include <gtest/gtest.h>

#include "http-api/listen_address.h"

namespace sagad::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsTheRest) {
  EXPECT_EQ(*PercentDecode("order%2F42%20x"), "order/42 x");
  EXPECT_EQ(*PercentDecode("a+b"), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", /*plus_is_space=*/true), "a b");
  EXPECT_EQ(*PercentDecode("%e2%82%AC"), "\xE2\x82\xAC");
}

TEST(PercentDecode, RefusesBrokenEscapes) {
  for (std::string_view bad : {"%", "%2", "%zz", "abc%4", "%G0"}) {
    Result<std::string> decoded = PercentDecode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ParseQuery, SplitsDecodesAndSkipsEmptyPieces) {
  Fields query = *ParseQuery("status=STUCK&definition=place%20order&&flag&q=a+b");
  ASSERT_EQ(query.size(), 4u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>{"status", "STUCK"}));
  EXPECT_EQ(query[1].second, "place order");
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(query[3].second, "a b");
  EXPECT_FALSE(ParseQuery("a=%zz").ok());
}

TEST(ParseTarget, SplitsPathAndQuery) {
  Request request;
  request.target = "/v1/sagas?limit=10&cursor=abc";
  ASSERT_TRUE(ParseTarget(request).ok());
  EXPECT_EQ(request.path, "/v1/sagas");
  EXPECT_EQ(request.Query("limit"), "10");
  EXPECT_EQ(request.Query("cursor"), "abc");
  EXPECT_EQ(request.Query("missing"), std::nullopt);
}

TEST(ParseTarget, RefusesNonOriginForms) {
  for (std::string target : {"", "*", "http://host/x", "/x#frag"}) {
    Request request;
    request.target = target;
    EXPECT_FALSE(ParseTarget(request).ok()) << target;
  }
}

TEST(Request, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"idempotency-key", "k1"}};
  EXPECT_EQ(request.Header("Idempotency-Key"), "k1");
  EXPECT_EQ(request.Header("authorization"), std::nullopt);
}

TEST(Method, NamesRoundTripAndMutatingOnes) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete, Method::kPatch}) {
    EXPECT_EQ(MethodFromName(MethodName(m)), m);
  }
  EXPECT_EQ(MethodFromName("get"), Method::kOther);
  EXPECT_TRUE(IsMutating(Method::kPost));
  EXPECT_TRUE(IsMutating(Method::kDelete));
  EXPECT_FALSE(IsMutating(Method::kGet));
  EXPECT_FALSE(IsMutating(Method::kHead));
}

TEST(ParseListenAddress, HostPortForms) {
  ListenAddress a = *ParseListenAddress("127.0.0.1:8080");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(ParseListenAddress("[::1]:0")->host, "::1");
  EXPECT_EQ(ParseListenAddress(":9000")->host, "127.0.0.1");
  for (std::string_view bad : {"localhost", "1.2.3.4:", "1.2.3.4:70000", "1.2.3.4:8o"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace sagad::http
