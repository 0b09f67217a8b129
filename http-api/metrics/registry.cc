#include "http-api/metrics/registry.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

#include "http-api/metrics/text_format.h"

namespace sagad::metrics {
namespace {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter: return "counter";
    case Kind::kGauge: return "gauge";
    case Kind::kHistogram: return "histogram";
  }
  return "untyped";
}

[[noreturn]] void Misuse(std::string_view name, std::string_view why) {
  spdlog::critical("metric {}: {}", name, why);
  std::abort();
}

void CheckNames(std::string_view name, Kind kind, const std::vector<std::string>& label_names) {
  if (!IsValidMetricName(name)) Misuse(name, "not a valid Prometheus metric name");
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!IsValidLabelName(label)) Misuse(name, "label '" + label + "' is not a valid label name");
    if (kind == Kind::kHistogram && label == "le") Misuse(name, "a histogram cannot have a label named 'le'");
    for (std::size_t j = 0; j < i; ++j) {
      if (label_names[j] == label) Misuse(name, "label '" + label + "' appears twice");
    }
  }
}

void AppendSample(std::string& out, std::string_view name, std::string_view suffix, const std::string& labels,
                  std::string_view value) {
  out += name;
  out += suffix;
  if (!labels.empty()) {
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> LatencyBuckets() {
  return {.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
}

void FamilyBase::Render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += EscapeHelp(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += KindName(kind_);
  out += '\n';
  RenderSeries(out);
}

std::string FamilyBase::LabelText(const std::vector<std::string>& values) const {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += i == 0 ? '{' : ',';
    text += label_names_[i];
    text += "=\"";
    text += EscapeLabelValue(values[i]);
    text += '"';
  }
  return text;
}

void FamilyBase::WrongLabelCount(std::size_t given) const {
  Misuse(name_, std::to_string(label_names_.size()) + " label values expected, " + std::to_string(given) + " given");
}

template <>
void Family<Counter>::RenderSeries(std::string& out) const {
  std::shared_lock lock(mu_);
  for (const auto& [values, counter] : series_) {
    AppendSample(out, name(), "", LabelText(values), std::to_string(counter->Value()));
  }
}

template <>
void Family<Gauge>::RenderSeries(std::string& out) const {
  std::shared_lock lock(mu_);
  for (const auto& [values, gauge] : series_) {
    AppendSample(out, name(), "", LabelText(values), FormatValue(gauge->Value()));
  }
}

template <>
void Family<Histogram>::RenderSeries(std::string& out) const {
  std::shared_lock lock(mu_);
  for (const auto& [values, histogram] : series_) {
    std::string labels = LabelText(values);
    std::string bucket_prefix = labels.empty() ? "{le=\"" : labels + ",le=\"";
    Histogram::Snapshot snapshot = histogram->Take();
    const std::vector<double>& bounds = histogram->bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      std::string le = bucket_prefix + (i < bounds.size() ? FormatValue(bounds[i]) : "+Inf") + "\"";
      AppendSample(out, name(), "_bucket", le, std::to_string(snapshot.cumulative[i]));
    }
    AppendSample(out, name(), "_sum", labels, FormatValue(snapshot.sum));
    AppendSample(out, name(), "_count", labels, std::to_string(snapshot.cumulative.back()));
  }
}

FamilyBase* Registry::Find(std::string_view name, Kind kind, const std::vector<std::string>& label_names) const {
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    if (family->kind() != kind || family->label_names() != label_names) {
      Misuse(name, "registered again with another kind or other labels");
    }
    return family.get();
  }
  return nullptr;
}

FamilyBase& Registry::Add(std::unique_ptr<FamilyBase> family) {
  families_.push_back(std::move(family));
  return *families_.back();
}

CounterFamily& Registry::Counter(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  CheckNames(name, Kind::kCounter, label_names);
  std::lock_guard lock(mu_);
  if (FamilyBase* found = Find(name, Kind::kCounter, label_names)) return static_cast<CounterFamily&>(*found);
  return static_cast<CounterFamily&>(Add(std::make_unique<CounterFamily>(
      std::string(name), std::string(help), Kind::kCounter, std::move(label_names),
      [] { return std::make_unique<metrics::Counter>(); })));
}

GaugeFamily& Registry::Gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  CheckNames(name, Kind::kGauge, label_names);
  std::lock_guard lock(mu_);
  if (FamilyBase* found = Find(name, Kind::kGauge, label_names)) return static_cast<GaugeFamily&>(*found);
  return static_cast<GaugeFamily&>(Add(std::make_unique<GaugeFamily>(
      std::string(name), std::string(help), Kind::kGauge, std::move(label_names),
      [] { return std::make_unique<metrics::Gauge>(); })));
}

HistogramFamily& Registry::Histogram(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names, std::vector<double> bounds) {
  CheckNames(name, Kind::kHistogram, label_names);
  if (bounds.empty()) bounds = DefaultBuckets();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      Misuse(name, "bucket bounds must be finite and strictly increasing");
    }
  }
  std::lock_guard lock(mu_);
  if (FamilyBase* found = Find(name, Kind::kHistogram, label_names)) return static_cast<HistogramFamily&>(*found);
  return static_cast<HistogramFamily&>(Add(std::make_unique<HistogramFamily>(
      std::string(name), std::string(help), Kind::kHistogram, std::move(label_names),
      [bounds = std::move(bounds)] { return std::make_unique<metrics::Histogram>(bounds); })));
}

void Registry::OnCollect(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string Registry::Render() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = hooks_;
  }
  // Hooks run unlocked: they may touch this registry.
  for (const auto& hook : hooks) hook();
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& family : families_) family->Render(out);
  return out;
}

}  // namespace sagad::metrics
