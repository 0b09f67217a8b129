#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace sagad {

static void PrintTo(StatusCode code, std::ostream* os) { *os << StatusCodeName(code); }

namespace {

struct CodeCase {
  Status status;
  StatusCode code;
  std::string name;
  bool retryable;
};

std::vector<CodeCase> EveryCode() {
  return {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "InvalidArgument", false},
      {Status::NotFound("m"), StatusCode::kNotFound, "NotFound", false},
      {Status::Conflict("m"), StatusCode::kConflict, "Conflict", false},
      {Status::Rejected("m"), StatusCode::kRejected, "Rejected", false},
      {Status::FailedPrecondition("m"), StatusCode::kFailedPrecondition, "FailedPrecondition", false},
      {Status::Unavailable("m"), StatusCode::kUnavailable, "Unavailable", true},
      {Status::DeadlineExceeded("m"), StatusCode::kDeadlineExceeded, "DeadlineExceeded", true},
      {Status::Corruption("m"), StatusCode::kCorruption, "Corruption", false},
      {Status::Internal("m"), StatusCode::kInternal, "Internal", false},
  };
}

TEST(StatusTest, DefaultIsOkWithNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_TRUE(s.message().empty());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_FALSE(s.IsRetryable());
}

TEST(StatusTest, EachFactorySetsItsCodeAndKeepsTheMessage) {
  for (const CodeCase& c : EveryCode()) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_TRUE(c.status.Is(c.code));
    EXPECT_FALSE(c.status.Is(StatusCode::kOk));
    EXPECT_EQ(c.status.message(), "m");
  }
}

TEST(StatusTest, EveryCodeHasItsOwnName) {
  std::set<std::string> names;
  for (const CodeCase& c : EveryCode()) {
    EXPECT_EQ(StatusCodeName(c.code), c.name);
    names.insert(std::string(StatusCodeName(c.code)));
  }
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_EQ(names.size(), EveryCode().size());
}

TEST(StatusTest, OnlyUnavailableAndDeadlineExceededAreRetryable) {
  for (const CodeCase& c : EveryCode()) {
    EXPECT_EQ(c.status.IsRetryable(), c.retryable) << c.name;
  }
}

TEST(StatusTest, ToStringIsCodeColonMessage) {
  EXPECT_EQ(Status::Conflict("expected version 3, store has 4").ToString(),
            "Conflict: expected version 3, store has 4");
  EXPECT_EQ(Status(StatusCode::kNotFound, "").ToString(), "NotFound");
}

TEST(StatusTest, WithContextPrefixesTheMessageAndKeepsTheCode) {
  Status s = Status::Unavailable("disk full").WithContext("appending to /data/events.db");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "appending to /data/events.db: disk full");
  EXPECT_EQ(s.WithContext("batch 7").message(), "batch 7: appending to /data/events.db: disk full");
}

TEST(StatusTest, WithContextOnOkStaysOk) {
  Status s = Status::Ok().WithContext("anything");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, WithContextDoesNotChangeTheOriginal) {
  Status original = Status::Corruption("bad row");
  (void)original.WithContext("ctx");
  EXPECT_EQ(original.message(), "bad row");
}

TEST(ResultTest, HoldsAValue) {
  Result<std::string> r = std::string("hello");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), "hello");
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(r->size(), 5u);
  r.value() += "!";
  EXPECT_EQ(*r, "hello!");
}

TEST(ResultTest, HoldsAnError) {
  Result<int> r = Status::NotFound("no order o-1");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no order o-1");
}

TEST(ResultTest, MovesOutAMoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> owned = std::move(r).value();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
}

TEST(ResultTest, ConstAccess) {
  const Result<std::vector<int>> r = std::vector<int>{1, 2, 3};
  EXPECT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1], 2);
  EXPECT_EQ(r.value().back(), 3);
}

Status Step(bool fail, int& reached) {
  ++reached;
  return fail ? Status::Unavailable("step failed") : Status::Ok();
}

Status TwoSteps(bool fail_first, int& reached) {
  SAGAD_RETURN_IF_ERROR(Step(fail_first, reached));
  SAGAD_RETURN_IF_ERROR(Step(false, reached));
  return Status::Ok();
}

TEST(ReturnIfErrorTest, ReturnsTheFirstErrorAndSkipsTheRest) {
  int reached = 0;
  Status s = TwoSteps(/*fail_first=*/true, reached);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "step failed");
  EXPECT_EQ(reached, 1);
}

TEST(ReturnIfErrorTest, ContinuesOnOk) {
  int reached = 0;
  EXPECT_TRUE(TwoSteps(/*fail_first=*/false, reached).ok());
  EXPECT_EQ(reached, 2);
}

}  // namespace
}  // namespace sagad
