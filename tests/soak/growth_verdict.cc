#include "tests/soak/growth_verdict.h"

#include <algorithm>
#include <cstdio>

namespace sagad::soak {
namespace {

template <typename T>
T Median(std::vector<T> values) {
  if (values.empty()) return T{};
  auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

QuarterFigures Figures(const std::vector<Window>& windows, std::size_t begin, std::size_t end) {
  std::vector<std::int64_t> rss;
  std::vector<int> fds;
  std::vector<double> p50s, p99s;
  std::uint64_t accepted_sum = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const Window& w = windows[i];
    rss.push_back(w.rss_bytes);
    fds.push_back(w.open_fds);
    accepted_sum += w.accepted_total;
    if (w.answers.latencies_us.empty()) continue;
    p50s.push_back(PercentileMs(w.answers.latencies_us, 0.50));
    p99s.push_back(PercentileMs(w.answers.latencies_us, 0.99));
  }
  QuarterFigures q;
  q.from_s = begin == 0 ? 0 : windows[begin - 1].end_s;
  q.to_s = windows[end - 1].end_s;
  q.rss_bytes = Median(std::move(rss));
  q.open_fds = Median(std::move(fds));
  q.accepted_total = accepted_sum / (end - begin);
  q.p50_ms = Median(p50s);
  q.worst_p99_ms = p99s.empty() ? 0 : *std::max_element(p99s.begin(), p99s.end());
  q.p99_ms = Median(std::move(p99s));
  return q;
}

std::string Format(const char* format, auto... args) {
  char text[256];
  std::snprintf(text, sizeof text, format, args...);
  return text;
}

constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace

double PercentileMs(std::vector<std::uint32_t> latencies_us, double fraction) {
  if (latencies_us.empty()) return 0;
  auto rank = static_cast<std::size_t>(fraction * static_cast<double>(latencies_us.size() - 1));
  auto at = latencies_us.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(latencies_us.begin(), at, latencies_us.end());
  return *at / 1000.0;
}

Verdict Judge(const std::vector<Window>& windows, const GrowthLimits& limits) {
  Verdict v;
  std::size_t n = windows.size();
  if (n < 8) {
    v.failures.push_back("only " + std::to_string(n) + " samples: too short a run to judge (8 at least)");
    return v;
  }
  v.second = Figures(windows, n / 4, n / 2);
  v.last = Figures(windows, 3 * n / 4, n);
  for (const Window& w : windows) v.errors += w.answers.errors;

  std::int64_t growth = v.last.rss_bytes - v.second.rss_bytes;
  std::uint64_t starts = v.last.accepted_total - v.second.accepted_total;
  v.rss_bytes_per_start = starts > 0 ? static_cast<double>(growth) / static_cast<double>(starts) : 0;
  // A leak grows with the work done, so the bound is per start; the floor
  // keeps the allocator's and SQLite's own breathing from failing short runs.
  if (growth > limits.rss_floor_bytes && v.rss_bytes_per_start > static_cast<double>(limits.rss_bytes_per_start)) {
    v.failures.push_back(Format("memory grows: RSS %.1f MiB -> %.1f MiB, %.0f bytes per start over %llu starts "
                                "(limit %lld bytes per start beyond %.0f MiB)",
                                v.second.rss_bytes / kMiB, v.last.rss_bytes / kMiB, v.rss_bytes_per_start,
                                static_cast<unsigned long long>(starts),
                                static_cast<long long>(limits.rss_bytes_per_start), limits.rss_floor_bytes / kMiB));
  }
  if (v.last.open_fds - v.second.open_fds > limits.fd_growth) {
    v.failures.push_back(Format("open file descriptors grow: %d -> %d (limit +%d)", v.second.open_fds,
                                v.last.open_fds, limits.fd_growth));
  }
  if (v.last.p99_ms >= limits.p99_floor_ms && v.last.p99_ms > limits.p99_ratio * v.second.p99_ms) {
    v.failures.push_back(Format("p99 latency drifts: %.1f ms -> %.1f ms (limit %.1fx, or under %.0f ms)",
                                v.second.p99_ms, v.last.p99_ms, limits.p99_ratio, limits.p99_floor_ms));
  }
  if (v.errors > 0) v.failures.push_back(std::to_string(v.errors) + " starts failed or were refused");
  return v;
}

}  // namespace sagad::soak
