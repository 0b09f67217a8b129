#include "tests/soak/growth_verdict.h"

#include <gtest/gtest.h>

#include <functional>

namespace sagad::soak {
namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::uint64_t kStartsPerWindow = 300;

struct Shape {
  std::function<std::int64_t(int second)> rss = [](int) { return 100 * kMiB; };
  std::function<int(int second)> fds = [](int) { return 40; };
  std::function<std::uint32_t(int second)> latency_us = [](int) { return 5'000u; };
};

// A run of `seconds` windows of 300 starts each, shaped as asked.
std::vector<Window> Windows(int seconds, const Shape& shape) {
  std::vector<Window> windows;
  for (int s = 1; s <= seconds; ++s) {
    Window w{.end_s = static_cast<double>(s), .rss_bytes = shape.rss(s), .open_fds = shape.fds(s),
             .accepted_total = kStartsPerWindow * static_cast<std::uint64_t>(s)};
    w.answers.latencies_us.assign(kStartsPerWindow, shape.latency_us(s));
    windows.push_back(std::move(w));
  }
  return windows;
}

TEST(GrowthVerdict, ASteadyRunPasses) {
  Verdict v = Judge(Windows(120, {}), {});
  EXPECT_TRUE(v.ok()) << v.failures.front();
  EXPECT_EQ(v.second.rss_bytes, 100 * kMiB);
  EXPECT_EQ(v.last.open_fds, 40);
  EXPECT_DOUBLE_EQ(v.last.p99_ms, 5.0);
}

TEST(GrowthVerdict, GrowthDuringWarmUpIsNotJudged) {
  Shape shape;
  shape.rss = [](int s) { return std::min(s, 30) * 10 * kMiB; };  // fills up in the first quarter, then flat
  shape.fds = [](int s) { return s < 30 ? s : 40; };
  EXPECT_TRUE(Judge(Windows(120, shape), {}).ok());
}

TEST(GrowthVerdict, KeepingEveryFinishedSagaFails) {
  Shape shape;  // about what a finished saga and its order cost in memory
  shape.rss = [](int s) { return 100 * kMiB + std::int64_t{s} * kStartsPerWindow * 7000; };
  Verdict v = Judge(Windows(120, shape), {});
  ASSERT_EQ(v.failures.size(), 1u);
  EXPECT_NEAR(v.rss_bytes_per_start, 7000, 1);
  EXPECT_NE(v.failures[0].find("memory grows"), std::string::npos) << v.failures[0];
}

TEST(GrowthVerdict, WhatIsKeptByDesignPerStartPasses) {
  Shape shape;  // the store's directory and the participants' records: 1.6 KB per start
  shape.rss = [](int s) { return 2000 * kMiB + std::int64_t{s} * kStartsPerWindow * 1600; };
  EXPECT_TRUE(Judge(Windows(120, shape), {}).ok());
}

TEST(GrowthVerdict, GrowthUnderTheFloorPasses) {
  Shape shape;  // 20 MiB over the run: many bytes per start in a short run, but noise
  shape.rss = [](int s) { return 100 * kMiB + s * kMiB / 6; };
  EXPECT_TRUE(Judge(Windows(120, shape), {}).ok());
}

TEST(GrowthVerdict, DescriptorsThatKeepOpeningFail) {
  Shape shape;
  shape.fds = [](int s) { return 40 + s / 10; };
  Verdict v = Judge(Windows(120, shape), {});
  ASSERT_EQ(v.failures.size(), 1u);
  EXPECT_NE(v.failures[0].find("descriptors"), std::string::npos) << v.failures[0];
}

TEST(GrowthVerdict, AFewMoreDescriptorsPass) {
  Shape shape;
  shape.fds = [](int s) { return s > 100 ? 44 : 40; };
  EXPECT_TRUE(Judge(Windows(120, shape), {}).ok());
}

TEST(GrowthVerdict, P99ThatDriftsPastTwiceFails) {
  Shape shape;
  shape.latency_us = [](int s) { return s > 90 ? 50'000u : 20'000u; };
  Verdict v = Judge(Windows(120, shape), {});
  ASSERT_EQ(v.failures.size(), 1u);
  EXPECT_NE(v.failures[0].find("p99"), std::string::npos) << v.failures[0];
}

TEST(GrowthVerdict, OneStallIsNotADrift) {
  Shape shape;  // two seconds of 1.5 s answers in the last quarter
  shape.latency_us = [](int s) { return s == 100 || s == 101 ? 1'500'000u : 20'000u; };
  Verdict v = Judge(Windows(120, shape), {});
  EXPECT_TRUE(v.ok()) << v.failures.front();
  EXPECT_DOUBLE_EQ(v.last.worst_p99_ms, 1500.0);
}

TEST(GrowthVerdict, SmallP99sMayDoubleUnderTheFloor) {
  Shape shape;
  shape.latency_us = [](int s) { return s > 90 ? 15'000u : 3'000u; };
  EXPECT_TRUE(Judge(Windows(120, shape), {}).ok());
}

TEST(GrowthVerdict, FailedStartsFail) {
  std::vector<Window> windows = Windows(120, {});
  windows[50].answers.errors = 2;
  Verdict v = Judge(windows, {});
  EXPECT_EQ(v.errors, 2u);
  EXPECT_FALSE(v.ok());
}

TEST(GrowthVerdict, TooShortARunIsNotJudgedOk) { EXPECT_FALSE(Judge(Windows(7, {}), {}).ok()); }

TEST(GrowthVerdict, PercentilesOfAWindow) {
  std::vector<std::uint32_t> latencies;
  for (std::uint32_t i = 1; i <= 100; ++i) latencies.push_back(i * 1000);
  EXPECT_DOUBLE_EQ(PercentileMs(latencies, 0.5), 50.0);
  EXPECT_DOUBLE_EQ(PercentileMs(latencies, 0.99), 99.0);
  EXPECT_DOUBLE_EQ(PercentileMs({}, 0.99), 0.0);
}

}  // namespace
}  // namespace sagad::soak
