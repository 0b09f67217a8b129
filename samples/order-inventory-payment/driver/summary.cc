#include "samples/order-inventory-payment/driver/summary.h"

#include <algorithm>
#include <cctype>
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

// A reason without its figures, so that like refusals count together: the
// trailing ": ..." parts that hold numbers go ("insufficient funds: 0
// available, 450 asked" -> "insufficient funds"), the first part stays.
std::string ReasonKind(const std::string& reason) {
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    std::size_t colon = reason.find(": ", from);
    parts.push_back(reason.substr(from, colon - from));
    if (colon == std::string::npos) break;
    from = colon + 2;
  }
  auto has_digit = [](const std::string& p) {
    return std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  while (parts.size() > 1 && has_digit(parts.back())) parts.pop_back();
  std::string kind;
  for (const std::string& p : parts) kind += (kind.empty() ? "" : ": ") + p;
  return kind;
}

// "a", "a and b", "a, b and c"
std::string List(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return text;
}

// One line on why an instance ended as it did, from what the server says
// of it (its steps or branches and its reason), the same for every
// instance that ended the same way, so that they group together.
std::string Why(const Instance& i) {
  std::string kind = ReasonKind(i.reason);
  if (i.status == "COMPLETED") return i.done.empty() ? "every step succeeded" : List(i.done) + " succeeded";
  if (i.status == "CONFIRMED") return "every branch tried, then " + List(i.done) + " confirmed";
  if (i.status == "COMPENSATED") {
    return (i.failed_at.empty() ? "" : i.failed_at + " failed: ") + kind + "; " +
           (i.undone.empty() ? "nothing to undo" : List(i.undone) + " undone");
  }
  if (i.status == "CANCELLED") return kind + "; " + (i.undone.empty() ? "nothing to cancel" : List(i.undone) + " cancelled");
  if (i.status == "STUCK") return "needs an operator: " + kind;
  if (i.status == "ABORTED") return kind.empty() ? "ended by an operator" : kind;
  return "";
}

struct Key {  // one group of instances: same definition, same outcome, same why
  std::string definition, status, why;
  auto operator<=>(const Key&) const = default;
};

// The groups by definition, the largest first: what most instances did,
// then each way of failing.
std::vector<std::pair<Key, Stats>> ByOutcome(const std::vector<Instance>& instances) {
  std::map<Key, std::vector<std::int64_t>> ms;
  std::map<Key, std::map<std::string, std::size_t>> failed_at;
  for (const Instance& i : instances) {
    Key key{i.definition, i.status.empty() ? "NOT STARTED" : i.status, Why(i)};
    ms[key].push_back(Duration(i));
    if (!i.failed_at.empty()) ++failed_at[key][i.failed_at];
  }
  std::vector<std::pair<Key, Stats>> out;
  for (auto& [key, values] : ms) {
    out.emplace_back(key, Latencies(std::move(values)));
    out.back().second.failed_at = std::move(failed_at[key]);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.first.definition != b.first.definition) return a.first.definition < b.first.definition;
    return a.second.count > b.second.count;
  });
  return out;
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
  std::fprintf(out, "  %-14s %-12s %6s %7s %7s   %s\n", "definition", "outcome", "count", "p50 ms", "p99 ms", "why");
  for (const auto& [key, stats] : ByOutcome(s.instances)) {
    std::fprintf(out, "  %-14s %-12s %6zu %7.0f %7.0f   %s\n", key.definition.c_str(), key.status.c_str(), stats.count,
                 stats.p50_ms, stats.p99_ms, key.why.c_str());
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
    outcomes.push_back(Json{{"definition", key.definition},
                            {"outcome", key.status},
                            {"why", key.why},
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
