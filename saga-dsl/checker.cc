#include "saga-dsl/checker.h"

#include <map>
#include <set>
#include <string_view>

#include "saga-dsl/reference_checks.h"
#include "saga-dsl/step_graph.h"

namespace sagad::dsl {
namespace {

int Length(const std::string& name) { return static_cast<int>(std::max<std::size_t>(name.size(), 1)); }

bool IsReservedRoot(const std::string& name) { return name == "saga_id" || name == "failure"; }

void CheckDuration(DiagnosticSink& sink, std::int64_t ms, SourceLocation location, std::string_view what) {
  if (location.line == 0) return;  // clause absent: the default is fine
  if (ms <= 0) {
    sink.Error(location, std::string(what) + " must be positive, not " + FormatDuration(ms));
  } else if (ms > kMaxDurationMs) {
    sink.Error(location, std::string(what) + " " + FormatDuration(ms) + " is longer than the limit of " +
                             FormatDuration(kMaxDurationMs));
  }
}

// `clause` is "retry" or "resolve retry", written at `at`; diagnostics
// underline its first word.
int FirstWordLength(std::string_view clause) { return static_cast<int>(clause.substr(0, clause.find(' ')).size()); }

void CheckRetryCount(DiagnosticSink& sink, const RetryPolicy& retry, SourceLocation at, std::string_view clause) {
  if (at.line == 0) return;  // clause absent: the default is fine
  int length = FirstWordLength(clause);
  std::string what = std::string(clause) + " count";
  if (retry.retries() < 0) {
    sink.Error(at, what + " must be 0 or more, not " + std::to_string(retry.retries()), length);
  } else if (retry.retries() > kMaxRetries) {
    sink.Error(at, what + " " + std::to_string(retry.retries()) + " is more than the limit of " +
                       std::to_string(kMaxRetries), length);
  }
}

void CheckBackoff(DiagnosticSink& sink, const RetryPolicy& retry, SourceLocation at, std::string_view clause) {
  if (at.line == 0) return;
  int length = FirstWordLength(clause);
  CheckDuration(sink, retry.backoff_min_ms, at, "minimum backoff");
  CheckDuration(sink, retry.backoff_max_ms, at, "maximum backoff");
  if (retry.backoff_min_ms > 0 && retry.backoff_min_ms > retry.backoff_max_ms) {
    sink.Error(at, "minimum backoff " + FormatDuration(retry.backoff_min_ms) + " is greater than maximum backoff " +
                       FormatDuration(retry.backoff_max_ms), length);
  }
}

void CheckRetryClauses(DiagnosticSink& sink, const Step& step) {
  CheckRetryCount(sink, step.retry, step.retry_location, "retry");
  CheckBackoff(sink, step.retry, step.retry_location, "retry");
  CheckRetryCount(sink, step.resolve_retry, step.resolve_location, "resolve retry");
  // A resolve backoff equal to the step's is the step's (taken from `retry`,
  // or written the same): what is wrong with it is reported at `retry` once.
  if (!step.resolve_retry.SameBackoff(step.retry)) {
    CheckBackoff(sink, step.resolve_retry, step.resolve_location, "resolve retry");
  }
}

void CheckTarget(DiagnosticSink& sink, const CommandSpec& command) {
  const Expr& target = command.target;
  bool ok = target.kind == Expr::Kind::kPath ||
            (target.kind == Expr::Kind::kLiteral && (target.literal.is_string() || target.literal.is_number()));
  if (!ok) {
    sink.Error(target.location, "the target after 'to' must be a path ($.x), a string or a number: it names one "
                                "aggregate");
  }
}

// Reports names seen twice; `kind` is "step", "branch" or "saga".
class UniqueNames {
 public:
  UniqueNames(DiagnosticSink& sink, std::string kind) : sink_(sink), kind_(std::move(kind)) {}

  bool Add(const std::string& name, SourceLocation location) {
    auto [it, inserted] = first_.emplace(name, location);
    if (!inserted) {
      sink_.Error(location, "duplicate " + kind_ + " name '" + name + "' (first at line " +
                                std::to_string(it->second.line) + ")", Length(name));
    }
    return inserted;
  }

 private:
  DiagnosticSink& sink_;
  std::string kind_;
  std::map<std::string, SourceLocation> first_;
};

void CheckStepClauses(DiagnosticSink& sink, const Definition& definition) {
  UniqueNames names(sink, "step");
  for (const Step& step : definition.steps) {
    names.Add(step.name, step.location);
    if (IsReservedRoot(step.name)) {
      sink.Error(step.location, "step name '" + step.name + "' is reserved (it would hide $." + step.name + ")",
                 Length(step.name));
    }
    if (!step.has_send) sink.Error(step.location, "step '" + step.name + "' has no 'send' clause", Length(step.name));
    if (step.success.empty()) {
      sink.Error(step.location, "step '" + step.name + "' has no 'success' clause: which event completes it?",
                 Length(step.name));
    }
    std::set<std::string> after;
    for (std::size_t i = 0; i < step.after.size() && step.after_is_explicit; ++i) {
      const std::string& name = step.after[i];
      if (!definition.FindStep(name)) {
        sink.Error(step.after_locations[i], "unknown step '" + name + "' in 'after' of step '" + step.name + "'",
                   Length(name));
      } else if (!after.insert(name).second) {
        sink.Error(step.after_locations[i], "step '" + name + "' is listed twice in 'after'", Length(name));
      }
    }
    std::set<std::string> captured;
    for (const std::string& field : step.capture) {
      if (!captured.insert(field).second) {
        sink.Error(step.capture_location, "field '" + field + "' is captured twice in step '" + step.name + "'", 7);
      }
    }
    if (step.has_send) CheckTarget(sink, step.send);
    if (step.compensate) CheckTarget(sink, *step.compensate);
    CheckDuration(sink, step.timeout_ms, step.timeout_location, "timeout");
    CheckRetryClauses(sink, step);
  }
}

void CheckBranches(DiagnosticSink& sink, const Definition& definition) {
  UniqueNames names(sink, "branch");
  for (const TccBranch& branch : definition.branches) {
    names.Add(branch.name, branch.location);
    const std::pair<bool, std::string_view> phases[] = {
        {branch.has_try, "try"}, {branch.has_confirm, "confirm"}, {branch.has_cancel, "cancel"}};
    for (const auto& [present, phase] : phases) {
      if (!present) {
        sink.Error(branch.location, "branch '" + branch.name + "' has no '" + std::string(phase) +
                                        "' clause (a tcc branch needs try, confirm and cancel)", Length(branch.name));
      }
    }
    for (const CommandSpec* command : {&branch.try_command, &branch.confirm, &branch.cancel}) {
      if (!command->command.participant.empty()) CheckTarget(sink, *command);
    }
  }
}

void CheckInput(DiagnosticSink& sink, const Definition& definition) {
  if (!definition.input) return;
  for (const InputField& field : *definition.input) {
    if (IsReservedRoot(field.name)) {
      sink.Error(field.location, "input field name '" + field.name + "' is reserved ($." + field.name +
                                     " is set by sagad)", Length(field.name));
    } else if (definition.FindStep(field.name)) {
      sink.Error(field.location, "input field '" + field.name + "' has the name of a step, so $." + field.name +
                                     " would be ambiguous", Length(field.name));
    }
  }
}

void ReportCycles(DiagnosticSink& sink, const Definition& definition, const StepGraph& graph) {
  for (const std::vector<int>& cycle : graph.cycles()) {
    std::string text = "dependency cycle: step '" + definition.steps[cycle.front()].name + "'";
    for (std::size_t i = 1; i < cycle.size(); ++i) text += " after '" + definition.steps[cycle[i]].name + "'";
    text += " after '" + definition.steps[cycle.front()].name + "'";
    // Point at the `after` that closes the cycle when it was written.
    const Step& closing = definition.steps[cycle.back()];
    SourceLocation at = closing.location;
    int length = Length(closing.name);
    for (std::size_t i = 0; i < closing.after.size() && closing.after_is_explicit; ++i) {
      if (closing.after[i] == definition.steps[cycle.front()].name) {
        at = closing.after_locations[i];
        length = Length(closing.after[i]);
      }
    }
    sink.Error(at, text, length);
  }
}

// A step without compensation cannot be undone; that matters when another
// step can still fail after it completed (any step that is not one of its
// ancestors: refusals and timeouts can fail every step).
void WarnUncompensatedSteps(DiagnosticSink& sink, const Definition& definition, const StepGraph& graph) {
  for (std::size_t s = 0; s < definition.steps.size(); ++s) {
    const Step& step = definition.steps[s];
    if (step.compensate) continue;
    for (std::size_t t = 0; t < definition.steps.size(); ++t) {
      if (t == s || graph.IsAncestor(static_cast<int>(s), static_cast<int>(t))) continue;
      sink.Warning(step.location, "step '" + step.name + "' has no 'compensate' clause, but step '" +
                                      definition.steps[t].name +
                                      "' can fail after it completed; its effect would not be undone",
                   Length(step.name));
      break;
    }
  }
}

void CheckDefinition(DiagnosticSink& sink, const Definition& definition) {
  if (definition.version_location.line != 0 && definition.version < 1) {
    sink.Error(definition.version_location, "version must be 1 or more, not " + std::to_string(definition.version), 7);
  }
  int name_length = Length(definition.name);
  if (definition.kind == DefinitionKind::kTcc) {
    if (definition.branches.empty()) {
      sink.Error(definition.location, "tcc '" + definition.name + "' has no branches", name_length);
    }
    CheckDuration(sink, definition.tcc_timeout_ms, definition.timeout_location, "timeout");
    CheckBranches(sink, definition);
    CheckReferences(definition, StepGraph(definition), sink);
    return;
  }
  if (definition.steps.empty()) {
    sink.Error(definition.location, "saga '" + definition.name + "' has no steps", name_length);
    return;
  }
  if (definition.steps.size() > static_cast<std::size_t>(kMaxStepsPerDefinition)) {
    sink.Error(definition.location, "saga '" + definition.name + "' has " + std::to_string(definition.steps.size()) +
                                        " steps, more than the limit of " + std::to_string(kMaxStepsPerDefinition),
               name_length);
    return;
  }
  CheckStepClauses(sink, definition);
  CheckInput(sink, definition);
  StepGraph graph(definition);
  ReportCycles(sink, definition, graph);
  if (graph.has_cycle()) return;  // ordering is undefined until the cycle is fixed
  CheckReferences(definition, graph, sink);
  WarnUncompensatedSteps(sink, definition, graph);
}

}  // namespace

std::vector<Diagnostic> Check(const std::vector<Definition>& definitions) {
  std::vector<Diagnostic> all;
  if (definitions.empty()) return all;
  DiagnosticSink names_sink(definitions.front().file);
  UniqueNames names(names_sink, "definition");
  for (const Definition& definition : definitions) {
    names.Add(definition.name, definition.location);
    DiagnosticSink sink(definition.file);
    CheckDefinition(sink, definition);
    for (Diagnostic& d : sink.Take()) all.push_back(std::move(d));
  }
  for (Diagnostic& d : names_sink.Take()) all.push_back(std::move(d));
  SortByLocation(all);
  return all;
}

std::vector<Diagnostic> CheckNamesAcrossFiles(const std::vector<const Definition*>& definitions) {
  std::vector<Diagnostic> out;
  std::map<std::string_view, const Definition*> first;
  for (const Definition* definition : definitions) {
    auto [it, inserted] = first.emplace(definition->name, definition);
    if (inserted || it->second->file == definition->file) continue;
    const Definition& other = *it->second;
    out.push_back({definition->file, definition->location, Severity::kError,
                   "definition '" + definition->name + "' is also defined at " + other.file + ":" +
                       std::to_string(other.location.line) + ":" + std::to_string(other.location.column),
                   Length(definition->name)});
  }
  return out;
}

}  // namespace sagad::dsl
