#include "apps/sagad/participant_flag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sagad::app {
namespace {

using ::testing::HasSubstr;

TEST(ParticipantFlagTest, ReadsEachKind) {
  auto flags = ParseParticipantFlags({"inventory=inproc", "flights=http://127.0.0.1:9101/flights", "mail=kafka"});
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  ASSERT_EQ(flags->size(), 3u);
  EXPECT_EQ((*flags)[0].kind, ParticipantFlag::Kind::kInProcess);
  EXPECT_EQ((*flags)[1].kind, ParticipantFlag::Kind::kHttp);
  EXPECT_EQ((*flags)[1].url, "http://127.0.0.1:9101/flights");
  EXPECT_EQ((*flags)[2].kind, ParticipantFlag::Kind::kKafka);
}

TEST(ParticipantFlagTest, RefusesWhatItCannotUseWithTheTextInTheMessage) {
  for (const char* bad : {"inventory", "=inproc", "inventory=", "inventory=ftp://x", "inventory=https://x"}) {
    auto flag = ParseParticipantFlag(bad);
    EXPECT_TRUE(flag.status().Is(StatusCode::kInvalidArgument)) << bad;
  }
  auto twice = ParseParticipantFlags({"a=inproc", "a=kafka"});
  EXPECT_THAT(twice.status().message(), HasSubstr("given twice"));
}

}  // namespace
}  // namespace sagad::app
