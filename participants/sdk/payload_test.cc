#include "participants/sdk/payload.h"

#include <gtest/gtest.h>

#include <limits>

namespace sagad::participants {
namespace {

Command WithPayload(Json payload) {
  Command c;
  c.type = "ReserveStock";
  c.payload = std::move(payload);
  return c;
}

void ExpectInvalid(const Status& status, const std::string& part) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find(part), std::string::npos) << status.message();
}

TEST(PayloadTest, ReadsWellFormedFields) {
  Command c = WithPayload({{"order_id", "o-1"}, {"qty", 3}, {"zero", 0}, {"reason", "late"}});
  EXPECT_EQ(RequiredString(c, "order_id").value(), "o-1");
  EXPECT_EQ(PositiveInt(c, "qty").value(), 3);
  EXPECT_EQ(NonNegativeInt(c, "zero").value(), 0);
  EXPECT_EQ(OptionalString(c, "reason").value(), "late");
  EXPECT_FALSE(OptionalString(c, "absent").value().has_value());
}

TEST(PayloadTest, WrongTypesAreInvalidArgumentNamingCommandAndField) {
  Command c = WithPayload({{"order_id", 5}, {"qty", "3"}, {"reason", Json::array()}, {"empty", ""}});
  ExpectInvalid(RequiredString(c, "order_id").status(), "ReserveStock needs 'order_id'");
  ExpectInvalid(RequiredString(c, "empty").status(), "'empty'");
  ExpectInvalid(PositiveInt(c, "qty").status(), "ReserveStock needs 'qty'");
  ExpectInvalid(OptionalString(c, "reason").status(), "'reason'");
}

TEST(PayloadTest, MissingFieldsAndNonObjectPayloadsAreInvalidArgument) {
  ExpectInvalid(RequiredString(WithPayload(Json::object()), "order_id").status(), "'order_id'");
  ExpectInvalid(PositiveInt(WithPayload(Json::array({1, 2})), "qty").status(), "'qty'");
  ExpectInvalid(NonNegativeInt(WithPayload(nullptr), "qty").status(), "'qty'");
}

TEST(PayloadTest, IntegersOutOfRangeAreInvalidArgument) {
  ExpectInvalid(PositiveInt(WithPayload({{"qty", 0}}), "qty").status(), "from 1");
  ExpectInvalid(NonNegativeInt(WithPayload({{"qty", -1}}), "qty").status(), "from 0");
  ExpectInvalid(PositiveInt(WithPayload({{"qty", 2.5}}), "qty").status(), "integer");
  ExpectInvalid(PositiveInt(WithPayload({{"qty", kMaxUnits + 1}}), "qty").status(), "1e15");
  // Beyond int64: must not wrap around to a small or negative number.
  ExpectInvalid(PositiveInt(WithPayload({{"qty", std::numeric_limits<std::uint64_t>::max()}}), "qty").status(),
                "1e15");
  EXPECT_EQ(PositiveInt(WithPayload({{"qty", kMaxUnits}}), "qty").value(), kMaxUnits);
}

TEST(PayloadTest, EventReadersFallBackInsteadOfThrowing) {
  Json payload = {{"amount", "ten"}, {"order_id", 1}};
  EXPECT_EQ(EventInt(payload, "amount", -1), -1);
  EXPECT_EQ(EventInt(Json::array(), "amount"), 0);
  EXPECT_EQ(EventString(payload, "order_id"), "");
  EXPECT_EQ(EventInt({{"amount", 7}}, "amount"), 7);
}

}  // namespace
}  // namespace sagad::participants
