#include "samples/order-inventory-payment/driver/instances.h"

#include <set>
#include <thread>

namespace sagad::sample::driver {
namespace {

// Between two passes over the instances still running: short, since most
// sagas finish in milliseconds, but enough not to spin on a slow one.
constexpr auto kPollPause = std::chrono::milliseconds(100);

// The step (or branch) an instance is busy with: where a slow one is.
std::string CurrentStep(const Json& view) {
  static const std::set<std::string> kBusy = {"RUNNING", "RETRY_WAITING", "COMPENSATING",
                                              "COMPENSATION_RETRY_WAITING"};
  for (const Json& step : view.value("steps", Json::array())) {
    std::string status = step.value("status", "");
    if (!kBusy.contains(status)) continue;
    std::string error = step.value("last_error", "");
    return "step " + step.value("name", "") + " " + status + (error.empty() ? "" : " (last error: " + error + ")");
  }
  for (const Json& branch : view.value("branches", Json::array())) {
    for (const char* phase : {"try", "confirm", "cancel"}) {
      const Json& action = branch.value(phase, Json::object());
      if (action.contains("outstanding") || action.value("retry_waiting", false)) {
        std::string error = action.value("last_error", "");
        return "branch " + branch.value("name", "") + " " + phase + (error.empty() ? "" : " (last error: " + error + ")");
      }
    }
  }
  return "";
}

// Why an instance was undone, short enough to count in the summary:
// "reserve_stock", "try of branch debit refused".
std::string FailedAt(const Json& view) {
  if (view.contains("failure") && view["failure"].is_object()) return view["failure"].value("step", "");
  std::string reason = view.value("reason", "");
  return reason.substr(0, reason.find(':'));
}

std::string Reason(const Json& view) {
  if (view.contains("failure") && view["failure"].is_object()) return view["failure"].value("reason", "");
  if (view.contains("stuck_reason")) return view.value("stuck_reason", "");
  return view.value("reason", "");
}

// Steps (or branches) by how they ended: done, and undone by compensation
// (or cancelled), in the view's order.
void Outcomes(const Json& view, Instance& instance) {
  instance.done.clear();
  instance.undone.clear();
  for (const Json& step : view.value("steps", Json::array())) {
    std::string status = step.value("status", "");
    if (status == "SUCCEEDED") instance.done.push_back(step.value("name", ""));
    if (status == "COMPENSATED") instance.undone.push_back(step.value("name", ""));
  }
  for (const Json& branch : view.value("branches", Json::array())) {
    if (branch.value("confirm", Json::object()).value("done", false)) instance.done.push_back(branch.value("name", ""));
    if (branch.value("cancel", Json::object()).value("done", false)) instance.undone.push_back(branch.value("name", ""));
  }
}

Status Poll(HttpClient& client, Instance& instance) {
  Result<HttpAnswer> answer = client.Get("/v1/sagas/" + instance.id);
  if (!answer.ok()) return answer.status();
  if (answer->status == 404) return Status::Ok();  // not started yet
  if (answer->status != 200) {
    return Status::Internal("GET /v1/sagas/" + instance.id + " answered " + std::to_string(answer->status) + ": " +
                            answer->body.dump());
  }
  const Json& view = answer->body;
  instance.status = view.value("status", "");
  instance.started_ms = view.value("started_ms", std::int64_t{0});
  instance.finished_ms = view.value("finished_ms", std::int64_t{0});
  instance.step = IsTerminal(instance.status) ? "" : CurrentStep(view);
  instance.failed_at = FailedAt(view);
  if (IsTerminal(instance.status)) {
    instance.reason = Reason(view);
    Outcomes(view, instance);
  }
  return Status::Ok();
}

}  // namespace

bool IsTerminal(const std::string& status) {
  static const std::set<std::string> kTerminal = {"COMPLETED", "COMPENSATED", "STUCK",
                                                  "ABORTED",   "CONFIRMED",   "CANCELLED"};
  return kTerminal.contains(status);
}

Status WaitTerminal(WorkerPool& pool, std::vector<Instance>& instances, std::chrono::steady_clock::time_point deadline,
                    Progress& progress) {
  std::vector<Instance*> pending;
  for (Instance& i : instances) pending.push_back(&i);
  while (true) {
    // Only instances not yet terminal are polled, so each one counts once.
    SAGAD_RETURN_IF_ERROR(pool.ForEach(pending.size(), [&](HttpClient& client, std::size_t i) {
      SAGAD_RETURN_IF_ERROR(Poll(client, *pending[i]));
      if (IsTerminal(pending[i]->status)) progress.Advance();
      return Status::Ok();
    }));
    std::erase_if(pending, [](const Instance* i) { return IsTerminal(i->status); });
    if (pending.empty()) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::DeadlineExceeded(std::to_string(pending.size()) + " of " + std::to_string(instances.size()) +
                                      " instances still running");
    }
    std::this_thread::sleep_for(kPollPause);
  }
}

}  // namespace sagad::sample::driver

