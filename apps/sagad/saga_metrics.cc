#include "apps/sagad/saga_metrics.h"

#include "coordinator/outgoing_command.h"
#include "coordinator/saga_events.h"
#include "coordinator/tcc_events.h"

namespace sagad::app {
namespace {

namespace saga = coordinator::saga;
namespace tcc = coordinator::tcc;
using coordinator::IntField;
using coordinator::StringField;

// Instance ids are "<definition>:<key>" (coordinator/instance_id.h).
std::string DefinitionOf(const StreamId& instance) {
  return instance.id.substr(0, instance.id.find(':'));
}

}  // namespace

SagaMetrics::SagaMetrics(metrics::Registry& registry)
    : started_(registry.Counter("sagad_sagas_started_total", "Saga and tcc instances started", {"definition"})),
      completed_(registry.Counter("sagad_sagas_completed_total", "Sagas completed", {"definition"})),
      compensated_(registry.Counter("sagad_sagas_compensated_total", "Sagas compensated", {"definition"})),
      stuck_(registry.Counter("sagad_sagas_stuck_total", "Sagas that became STUCK (need an operator)",
                              {"definition"})),
      retries_(registry.Counter("sagad_step_retries_total", "Step and compensation retries scheduled",
                                {"definition", "step"})),
      step_seconds_(registry.Histogram("sagad_step_duration_seconds",
                                       "From a step's command being issued to its outcome being recorded",
                                       {"definition", "step"})),
      append_seconds_(registry.Histogram("sagad_store_append_seconds", "Duration of one store transaction").With({})),
      batch_commands_(registry
                          .Histogram("sagad_group_commit_commands", "Commands per store transaction", {},
                                     {1, 4, 16, 64, 256, 1024, 4096, 16384})
                          .With({})) {}

void SagaMetrics::OnCommitted(const StreamId& instance, const std::vector<Event>& events) {
  std::string definition = DefinitionOf(instance);
  for (const Event& e : events) {
    const std::string& t = e.type;
    if (t == saga::kSagaStarted || t == tcc::kTccStarted) {
      started_.With({definition}).Inc();
    } else if (t == saga::kSagaCompleted || t == tcc::kTccConfirmed) {
      completed_.With({definition}).Inc();
    } else if (t == saga::kSagaCompensated || t == tcc::kTccCancelled) {
      compensated_.With({definition}).Inc();
    } else if (t == saga::kSagaStuck || t == tcc::kTccStuck) {
      stuck_.With({definition}).Inc();
    } else if (t == saga::kRetryScheduled) {
      retries_.With({definition, StringField(e.payload, "step")}).Inc();
    } else if (t == saga::kStepCommandIssued) {
      std::lock_guard lock(issued_mu_);
      issued_ms_[StringField(e.payload, "command_id")] = IntField(e.payload, "issued_ms");
    } else if (t == saga::kStepSucceeded || t == saga::kStepFailed || t == saga::kStepTimedOut ||
               t == saga::kAttemptFailed) {
      std::int64_t issued = -1;
      {
        std::lock_guard lock(issued_mu_);
        auto it = issued_ms_.find(StringField(e.payload, "command_id"));
        if (it != issued_ms_.end()) {
          issued = it->second;
          issued_ms_.erase(it);
        }
      }
      if (issued >= 0) {
        double seconds = static_cast<double>(IntField(e.payload, "at_ms") - issued) / 1000.0;
        step_seconds_.With({definition, StringField(e.payload, "step")}).Observe(std::max(0.0, seconds));
      }
    }
  }
}

void SagaMetrics::OnBatch(std::size_t commands, std::int64_t append_micros) {
  append_seconds_.Observe(static_cast<double>(append_micros) / 1e6);
  batch_commands_.Observe(static_cast<double>(commands));
}

}  // namespace sagad::app
