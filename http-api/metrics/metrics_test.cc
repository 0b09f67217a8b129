#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <thread>
#include <vector>

#include "http-api/metrics/registry.h"
#include "http-api/metrics/text_format.h"

namespace sagad::metrics {
namespace {

// spdlog writes to stdout; death tests read stderr.
void LogToStderr() { spdlog::set_default_logger(spdlog::stderr_logger_st("death-test")); }

TEST(TextFormat, Escaping) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeHelp("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

TEST(TextFormat, Values) {
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(-3.5), "-3.5");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextFormat, Names) {
  EXPECT_TRUE(IsValidMetricName("sagad_http_requests_total"));
  EXPECT_TRUE(IsValidMetricName("ns:sub_metric"));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("route"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(Registry, RendersTheExpositionFormatExactly) {
  Registry registry;
  auto& started = registry.Counter("sagad_sagas_started_total", "Saga instances started.", {"definition"});
  started.With({"place_order"}).Inc(3);
  started.With({"ship \"fast\"\\now\n"}).Inc();
  registry.Gauge("sagad_queue_depth", "Commands waiting.\nPer shard.").With({}).Set(2.5);
  auto& latency = registry.Histogram("sagad_step_seconds", "Step latency.", {"step"}, {0.1, 1, 2.5});
  Histogram& reserve = latency.With({"reserve"});
  for (double v : {0.0625, 0.09375, 0.75, 2.0, 9.0}) reserve.Observe(v);
  registry.Counter("sagad_idle_total", "Never incremented.");

  EXPECT_EQ(registry.Render(),
            "# HELP sagad_sagas_started_total Saga instances started.\n"
            "# TYPE sagad_sagas_started_total counter\n"
            "sagad_sagas_started_total{definition=\"place_order\"} 3\n"
            "sagad_sagas_started_total{definition=\"ship \\\"fast\\\"\\\\now\\n\"} 1\n"
            "# HELP sagad_queue_depth Commands waiting.\\nPer shard.\n"
            "# TYPE sagad_queue_depth gauge\n"
            "sagad_queue_depth 2.5\n"
            "# HELP sagad_step_seconds Step latency.\n"
            "# TYPE sagad_step_seconds histogram\n"
            "sagad_step_seconds_bucket{step=\"reserve\",le=\"0.1\"} 2\n"
            "sagad_step_seconds_bucket{step=\"reserve\",le=\"1\"} 3\n"
            "sagad_step_seconds_bucket{step=\"reserve\",le=\"2.5\"} 4\n"
            "sagad_step_seconds_bucket{step=\"reserve\",le=\"+Inf\"} 5\n"
            "sagad_step_seconds_sum{step=\"reserve\"} 11.90625\n"
            "sagad_step_seconds_count{step=\"reserve\"} 5\n"
            "# HELP sagad_idle_total Never incremented.\n"
            "# TYPE sagad_idle_total counter\n"
            "sagad_idle_total 0\n");
}

TEST(Registry, UnlabelledHistogramHasOnlyLe) {
  Registry registry;
  registry.Histogram("h_seconds", "h.", {}, {1}).With({}).Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP h_seconds h.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 1\nh_seconds_bucket{le=\"+Inf\"} 1\n"
            "h_seconds_sum 0.5\nh_seconds_count 1\n");
}

TEST(Registry, SameRegistrationReturnsTheSameFamily) {
  Registry registry;
  auto& a = registry.Counter("x_total", "x.", {"k"});
  auto& b = registry.Counter("x_total", "x.", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.With({"v"}), &b.With({"v"}));
}

TEST(RegistryDeathTest, MisuseAborts) {
  EXPECT_DEATH(LogToStderr(); Registry().Counter("bad-name", "x"), "not a valid");
  EXPECT_DEATH(LogToStderr(); Registry().Histogram("h", "x", {"le"}), "'le'");
  EXPECT_DEATH(LogToStderr(); Registry().Histogram("h", "x", {}, {1, 1}), "strictly increasing");
  EXPECT_DEATH(LogToStderr(); Registry().Counter("c_total", "x", {"a"}).With({"1", "2"}), "label values expected");
  EXPECT_DEATH(LogToStderr(); 
      {
        Registry r;
        r.Counter("c_total", "x");
        r.Gauge("c_total", "x");
      },
      "another kind");
}

TEST(Registry, CollectHooksRunBeforeRendering) {
  Registry registry;
  Gauge& depth = registry.Gauge("depth", "d.").With({});
  int calls = 0;
  registry.OnCollect([&] { depth.Set(++calls); });
  EXPECT_NE(registry.Render().find("depth 1\n"), std::string::npos);
  EXPECT_NE(registry.Render().find("depth 2\n"), std::string::npos);
}

TEST(Registry, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  auto& family = registry.Counter("c_total", "c.", {"t"});
  auto& hist = registry.Histogram("h_seconds", "h.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        family.With({t % 2 ? "odd" : "even"}).Inc();
        hist.With({}).Observe(0.5);
        if (i % 1000 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.With({"odd"}).Value() + family.With({"even"}).Value(), 40000u);
  EXPECT_NE(registry.Render().find("h_seconds_count 40000\n"), std::string::npos);
}

}  // namespace
}  // namespace sagad::metrics
