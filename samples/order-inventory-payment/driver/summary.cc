#include "samples/order-inventory-payment/driver/summary.h"

#include <algorithm>
#include <map>

namespace sagad::sample::driver {
namespace {

// Problems shown per failed invariant: the first few say what is wrong;
// hundreds would bury the rest of the summary.
constexpr std::size_t kShownProblems = 5;
constexpr std::size_t kShownRunning = 10;

struct Stats {
  std::size_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::map<std::string, std::size_t> failed_at;  // why they were undone, and how many
};

// Nearest-rank percentiles of start-to-finish times.
Stats Latencies(std::vector<std::int64_t> ms) {
  Stats s{ms.size(), 0, 0};
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    auto rank = static_cast<std::size_t>(p * static_cast<double>(ms.size()) + 0.999999);
    return static_cast<double>(ms[std::clamp<std::size_t>(rank, 1, ms.size()) - 1]);
  };
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  return s;
}

std::int64_t Duration(const Instance& i) { return std::max<std::int64_t>(i.finished_ms - i.started_ms, 0); }

using Key = std::pair<std::string, std::string>;  // definition, status

std::map<Key, Stats> ByOutcome(const std::vector<Instance>& instances) {
  std::map<Key, std::vector<std::int64_t>> ms;
  std::map<Key, std::map<std::string, std::size_t>> failed_at;
  for (const Instance& i : instances) {
    Key key{i.definition, i.status.empty() ? "NOT STARTED" : i.status};
    ms[key].push_back(Duration(i));
    if (!i.failed_at.empty()) ++failed_at[key][i.failed_at];
  }
  std::map<Key, Stats> out;
  for (auto& [key, values] : ms) {
    out[key] = Latencies(std::move(values));
    out[key].failed_at = std::move(failed_at[key]);
  }
  return out;
}

// "reserve_stock 1700, charge_payment 207"
std::string FailedAtText(const Stats& stats) {
  std::string text;
  for (const auto& [why, n] : stats.failed_at) text += (text.empty() ? "" : ", ") + why + " " + std::to_string(n);
  return text;
}

struct Totals {
  Stats latency;
  double seconds = 0;  // first start to last finish
  double per_second = 0;
};

// Throughput by the server's clock (started_ms, finished_ms): first saga
// started to last one finished, independent of where the driver runs.
Totals TotalsOf(const std::vector<Instance>& instances) {
  Totals t;
  std::vector<std::int64_t> ms;
  std::int64_t first = 0, last = 0;
  for (const Instance& i : instances) {
    if (!IsTerminal(i.status)) continue;
    ms.push_back(Duration(i));
    first = first == 0 ? i.started_ms : std::min(first, i.started_ms);
    last = std::max(last, i.finished_ms);
  }
  t.latency = Latencies(std::move(ms));
  t.seconds = static_cast<double>(std::max<std::int64_t>(last - first, 1)) / 1000.0;
  t.per_second = static_cast<double>(t.latency.count) / t.seconds;
  return t;
}

// An instance worth opening: a compensated one (its history shows a
// failure and the undo), else any.
const Instance* Example(const std::vector<Instance>& instances) {
  for (const Instance& i : instances) {
    if (i.status == "COMPENSATED") return &i;
  }
  return instances.empty() ? nullptr : &instances.front();
}

}  // namespace

bool Summary::ok() const {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok(); });
}

void PrintSummary(std::FILE* out, const Summary& s) {
  std::fprintf(out, "\nsagad sample, run %s on %s\n\n", s.run_id.c_str(), s.server.c_str());
  std::fprintf(out, "  %-16s %-12s %7s %7s %7s   %s\n", "definition", "outcome", "count", "p50 ms", "p99 ms",
               "failed at");
  for (const auto& [key, stats] : ByOutcome(s.instances)) {
    std::string why = FailedAtText(stats);
    std::fprintf(out, "  %-16s %-12s %7zu %7.0f %7.0f%s%s\n", key.first.c_str(), key.second.c_str(), stats.count,
                 stats.p50_ms, stats.p99_ms, why.empty() ? "" : "   ", why.c_str());
  }

  std::fprintf(out, "\n  invariants\n");
  for (const Check& c : s.checks) {
    std::string line = c.name + " (" + c.scope + ")";
    std::fprintf(out, "    %-80s %s\n", line.c_str(), c.ok() ? "OK" : "FAILED");
    for (std::size_t i = 0; i < std::min(c.problems.size(), kShownProblems); ++i) {
      std::fprintf(out, "      - %s\n", c.problems[i].c_str());
    }
    if (c.problems.size() > kShownProblems) {
      std::fprintf(out, "      ... and %zu more\n", c.problems.size() - kShownProblems);
    }
  }

  Totals t = TotalsOf(s.instances);
  std::fprintf(out, "\n  throughput   %.0f sagas/s (%zu sagas, first start to last finish %.2f s)\n", t.per_second,
               t.latency.count, t.seconds);
  std::fprintf(out, "  latency      p50 %.0f ms / p99 %.0f ms (start to finish)\n", t.latency.p50_ms,
               t.latency.p99_ms);
  for (const std::string& note : s.notes) std::fprintf(out, "\n  note: %s\n", note.c_str());

  std::fprintf(out, "\n  where to look next\n");
  std::fprintf(out, "    compensated sagas   %s/v1/sagas?status=COMPENSATED\n", s.server.c_str());
  if (const Instance* i = Example(s.instances)) {
    std::fprintf(out, "    one of them         %s/v1/sagas/%s\n", s.server.c_str(), i->id.c_str());
    std::fprintf(out, "    its history         %s/v1/sagas/%s/events\n", s.server.c_str(), i->id.c_str());
  }
  std::fprintf(out, "    metrics             %s/metrics\n", s.server.c_str());
  if (!s.inventory_stock.empty()) std::fprintf(out, "    stock (inventory)   %s\n", s.inventory_stock.c_str());
  std::fprintf(out, "\n%s\n", s.ok() ? "every invariant holds" : "an invariant FAILED");
}

Json SummaryJson(const Summary& s) {
  Json outcomes = Json::array();
  for (const auto& [key, stats] : ByOutcome(s.instances)) {
    outcomes.push_back(Json{{"definition", key.first},
                            {"outcome", key.second},
                            {"count", stats.count},
                            {"p50_ms", stats.p50_ms},
                            {"p99_ms", stats.p99_ms},
                            {"failed_at", stats.failed_at}});
  }
  Json checks = Json::array();
  for (const Check& c : s.checks) {
    checks.push_back(Json{{"name", c.name}, {"scope", c.scope}, {"ok", c.ok()}, {"problems", c.problems}});
  }
  Totals t = TotalsOf(s.instances);
  return Json{{"run_id", s.run_id},
              {"server", s.server},
              {"ok", s.ok()},
              {"outcomes", std::move(outcomes)},
              {"invariants", std::move(checks)},
              {"sagas", t.latency.count},
              {"seconds", t.seconds},
              {"sagas_per_s", t.per_second},
              {"p50_ms", t.latency.p50_ms},
              {"p99_ms", t.latency.p99_ms},
              {"notes", s.notes},
              {"inventory_stock", s.inventory_stock}};
}

void PrintStillRunning(std::FILE* out, const std::string& server, const std::vector<Instance>& instances) {
  std::map<std::string, std::size_t> by_status;
  std::vector<const Instance*> running;
  for (const Instance& i : instances) {
    ++by_status[i.status.empty() ? "NOT STARTED" : i.status];
    if (!IsTerminal(i.status)) running.push_back(&i);
  }
  std::string counts;
  for (const auto& [status, n] : by_status) counts += (counts.empty() ? "" : ", ") + status + " " + std::to_string(n);
  std::fprintf(out, "\n  instances by status: %s\n  still running:\n", counts.c_str());
  for (std::size_t i = 0; i < std::min(running.size(), kShownRunning); ++i) {
    const Instance& r = *running[i];
    std::fprintf(out, "    %s/v1/sagas/%s  %s%s%s\n", server.c_str(), r.id.c_str(),
                 r.status.empty() ? "not started" : r.status.c_str(), r.step.empty() ? "" : ", ", r.step.c_str());
  }
  if (running.size() > kShownRunning) std::fprintf(out, "    ... and %zu more\n", running.size() - kShownRunning);
}

}  // namespace sagad::sample::driver
