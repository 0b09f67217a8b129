// Registry: named metric families with labels, rendered in the Prometheus
// text format 0.0.4. Thread-safe.
//
//   metrics::Registry& registry = ...;
//   auto& started = registry.Counter("sagad_sagas_started_total", "Saga instances started.", {"definition"});
//   metrics::Counter& orders = started.With({"place_order"});   // keep this reference
//   orders.Inc();                                                // lock-free
//
// Registering the same name again with the same kind and labels returns the
// existing family, so independent parts can ask for it. A bad name, or the
// same name with another kind or other labels, is a bug in sagad: logged,
// then abort (the first test that registers it finds it). Series live as
// long as the registry.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http-api/metrics/metric.h"

namespace sagad::metrics {

// Prometheus' default latency buckets, in seconds: 5 ms .. 10 s.
std::vector<double> DefaultBuckets();
// For durations in seconds from 100 us to 10 s, finer at the low end where
// a local request and a group commit live.
std::vector<double> LatencyBuckets();

enum class Kind { kCounter, kGauge, kHistogram };

// Compares label-value lists to views of them, so a lookup allocates nothing.
struct LabelsLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
};

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Kind kind, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), kind_(kind), label_names_(std::move(label_names)) {}
  virtual ~FamilyBase() = default;

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Appends HELP, TYPE and every series.
  void Render(std::string& out) const;

 protected:
  virtual void RenderSeries(std::string& out) const = 0;
  // `{a="x",b="y"` without the closing brace (empty without labels), so a
  // histogram can append `le`.
  std::string LabelText(const std::vector<std::string>& values) const;
  [[noreturn]] void WrongLabelCount(std::size_t given) const;

 private:
  std::string name_;
  std::string help_;
  Kind kind_;
  std::vector<std::string> label_names_;
};

template <typename Metric>
class Family : public FamilyBase {
 public:
  Family(std::string name, std::string help, Kind kind, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : FamilyBase(std::move(name), std::move(help), kind, std::move(label_names)), make_(std::move(make)) {
    if (this->label_names().empty()) With({});  // an unlabelled series exists (as 0) from the start
  }

  // The series for these label values (in label-name order), created on
  // first use. The reference stays valid as long as the registry.
  Metric& With(std::initializer_list<std::string_view> values) { return Get(values); }
  Metric& With(const std::vector<std::string_view>& values) { return Get(values); }

 private:
  template <typename Values>
  Metric& Get(const Values& values) {
    if (values.size() != label_names().size()) WrongLabelCount(values.size());
    {
      std::shared_lock lock(mu_);
      auto it = series_.find(values);
      if (it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto it = series_.find(values);
    if (it != series_.end()) return *it->second;
    std::vector<std::string> key(values.begin(), values.end());
    return *series_.emplace(std::move(key), make_()).first->second;
  }

  void RenderSeries(std::string& out) const override;

  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>, LabelsLess> series_;
};

template <>
void Family<Counter>::RenderSeries(std::string& out) const;
template <>
void Family<Gauge>::RenderSeries(std::string& out) const;
template <>
void Family<Histogram>::RenderSeries(std::string& out) const;

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  CounterFamily& Counter(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  GaugeFamily& Gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  // `bounds`: strictly increasing finite upper bounds; empty = DefaultBuckets().
  HistogramFamily& Histogram(std::string_view name, std::string_view help, std::vector<std::string> label_names = {},
                             std::vector<double> bounds = {});

  // Runs before every Render: the place to Set gauges that are cheaper to
  // sample at scrape time than to track (queue depths, cache sizes).
  void OnCollect(std::function<void()> hook);

  // Families in registration order, series sorted by label values.
  std::string Render() const;

 private:
  FamilyBase* Find(std::string_view name, Kind kind, const std::vector<std::string>& label_names) const;
  FamilyBase& Add(std::unique_ptr<FamilyBase> family);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<std::function<void()>> hooks_;
};

}  // namespace sagad::metrics
