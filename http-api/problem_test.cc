#include "http-api/problem.h"

#include <gtest/gtest.h>

namespace sagad::http {
namespace {

TEST(Problem, HasTheRfc9457Shape) {
  Response response = Problem(404, "no saga s-1");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  Json body = *ParseJson(response.body);
  EXPECT_EQ(body, (Json{{"type", "about:blank"}, {"title", "Not Found"}, {"status", 404}, {"detail", "no saga s-1"}}));
}

TEST(Problem, StatusCodesMapInOnePlace) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kRejected), 422);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(StatusCode::kCorruption), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
}

TEST(Problem, FromStatusCarriesCodeAndMessage) {
  Response response = ProblemFromStatus(Status::FailedPrecondition("saga s-1 is COMPLETED; cannot retry"));
  EXPECT_EQ(response.status, 409);
  Json body = *ParseJson(response.body);
  EXPECT_EQ(body["title"], "Conflict");
  EXPECT_EQ(body["status"], 409);
  EXPECT_EQ(body["detail"], "saga s-1 is COMPLETED; cannot retry");
  EXPECT_EQ(body["code"], "FailedPrecondition");
}

TEST(Problem, DetailWithInvalidUtf8StillGivesValidJson) {
  Response response = Problem(400, "bad byte \xff here");
  EXPECT_TRUE(ParseJson(response.body).ok());
}

}  // namespace
}  // namespace sagad::http
