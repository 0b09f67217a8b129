// SagaMetrics: what /metrics says about sagas and the store, fed by the
// engine's committed events and the group committer's batches, plus gauges
// sampled at scrape time.
//
//   sagad_sagas_started_total{definition}      ..._completed_total, ..._compensated_total, ..._stuck_total
//   sagad_step_duration_seconds{definition,step}   command issued -> its outcome recorded
//   sagad_step_retries_total{definition,step}
//   sagad_store_append_seconds, sagad_group_commit_commands   per store transaction
//   sagad_runtime_queued, sagad_engine_in_flight, sagad_engine_armed_timers
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/envelope.h"
#include "http-api/metrics/registry.h"

namespace sagad::app {

class SagaMetrics {
 public:
  explicit SagaMetrics(metrics::Registry& registry);

  void OnCommitted(const StreamId& instance, const std::vector<Event>& events);
  void OnBatch(std::size_t commands, std::int64_t append_micros);

 private:
  metrics::CounterFamily& started_;
  metrics::CounterFamily& completed_;
  metrics::CounterFamily& compensated_;
  metrics::CounterFamily& stuck_;
  metrics::CounterFamily& retries_;
  metrics::HistogramFamily& step_seconds_;
  metrics::Histogram& append_seconds_;
  metrics::Histogram& batch_commands_;
  // Issue time of each outstanding step command, to time its outcome.
  std::mutex issued_mu_;
  std::unordered_map<std::string, std::int64_t> issued_ms_;
};

}  // namespace sagad::app
