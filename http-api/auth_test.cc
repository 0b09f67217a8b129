#include "http-api/auth.h"

#include <gtest/gtest.h>

namespace sagad::http {
namespace {

Request Make(Method method, std::string_view authorization = "") {
  Request request;
  request.method = method;
  if (!authorization.empty()) request.headers.emplace_back("authorization", std::string(authorization));
  return request;
}

TEST(Auth, NoTokenConfiguredLetsEverythingThrough) {
  EXPECT_EQ(CheckAuth({}, Make(Method::kPost)), std::nullopt);
}

TEST(Auth, MutatingWithoutCredentialsIs401WithChallenge) {
  AuthOptions options{"s3cret"};
  for (Method m : {Method::kPost, Method::kPut, Method::kDelete, Method::kPatch}) {
    std::optional<Response> refused = CheckAuth(options, Make(m));
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 401);
    ASSERT_EQ(refused->headers.size(), 1u);
    EXPECT_EQ(refused->headers[0].first, "WWW-Authenticate");
    EXPECT_EQ(refused->headers[0].second, "Bearer realm=\"sagad\"");
  }
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "Basic czNjcmV0"))->status, 401);
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "Bearer "))->status, 401);
}

TEST(Auth, WrongTokenIs403RightTokenPasses) {
  AuthOptions options{"s3cret"};
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "Bearer s3cre"))->status, 403);
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "Bearer s3cret!"))->status, 403);
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "Bearer s3cret")), std::nullopt);
  EXPECT_EQ(CheckAuth(options, Make(Method::kPost, "bearer s3cret")), std::nullopt);  // scheme is case-insensitive
}

TEST(Auth, ReadsAreOpenUnlessProtected) {
  EXPECT_EQ(CheckAuth({"s3cret"}, Make(Method::kGet)), std::nullopt);
  AuthOptions guarded{"s3cret", /*protect_reads=*/true};
  EXPECT_EQ(CheckAuth(guarded, Make(Method::kGet))->status, 401);
  EXPECT_EQ(CheckAuth(guarded, Make(Method::kHead, "Bearer nope"))->status, 403);
  EXPECT_EQ(CheckAuth(guarded, Make(Method::kGet, "Bearer s3cret")), std::nullopt);
}

TEST(Auth, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", std::string_view("abc\0", 4)));
}

}  // namespace
}  // namespace sagad::http
