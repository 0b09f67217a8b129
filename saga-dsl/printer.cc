#include "saga-dsl/printer.h"

#include "saga-dsl/expression.h"

namespace sagad::dsl {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string JoinNames(const std::vector<QualifiedName>& names) {
  std::vector<std::string> items;
  for (const QualifiedName& name : names) items.push_back(name.ToString());
  return Join(items);
}

std::string CommandText(const CommandSpec& command) {
  return command.command.ToString() + " to " + ExprToString(command.target) + " " + ExprToString(command.payload);
}

// Writes lines and puts source comments back around them: a comment goes
// before the first printed line whose source line is after it; a comment that
// ended a source line goes at the end of the last printed line that came from
// that source line (a one-line block prints as several lines).
class Output {
 public:
  explicit Output(const std::vector<Comment>& comments) : comments_(comments) {}

  void Line(int indent, const std::string& text, SourceLocation source) {
    if (source.line > 0 && source.line != trailing_line_) AttachTrailing();
    if (source.line > 0) FlushBefore(indent, source.line);
    out_ += std::string(static_cast<std::size_t>(indent) * 2, ' ') + text + "\n";
    if (source.line > 0 && next_ < comments_.size() && !comments_[next_].own_line &&
        comments_[next_].location.line == source.line) {
      trailing_line_ = source.line;
      trailing_at_ = out_.size() - 1;  // before this line's newline
    }
  }

  void Blank() {
    if (!out_.empty() && out_.back() == '\n' && (out_.size() < 2 || out_[out_.size() - 2] != '\n')) out_ += "\n";
  }

  // Comments left after the last line.
  std::string Finish() {
    AttachTrailing();
    FlushBefore(0, 1 << 30);
    return std::move(out_);
  }

 private:
  void AttachTrailing() {
    if (trailing_line_ == 0) return;
    out_.insert(trailing_at_, "  " + comments_[next_++].text);
    trailing_line_ = 0;
  }

  void FlushBefore(int indent, int line) {
    while (next_ < comments_.size() && comments_[next_].location.line < line) {
      out_ += std::string(static_cast<std::size_t>(indent) * 2, ' ') + comments_[next_++].text + "\n";
    }
  }

  const std::vector<Comment>& comments_;
  std::size_t next_ = 0;
  std::string out_;
  int trailing_line_ = 0;  // source line of a trailing comment not yet placed
  std::size_t trailing_at_ = 0;
};

// `keyword N [backoff MIN..MAX]`, left out when `policy` is `absent` (what
// the clause means when not written). The backoff is written only when it
// differs from absent's, which is what the clause takes without one.
void PrintRetryClause(Output& out, std::string_view keyword, const RetryPolicy& policy, const RetryPolicy& absent,
                      SourceLocation location) {
  if (policy == absent) return;
  std::string text = std::string(keyword) + " " + std::to_string(policy.retries());
  if (!policy.SameBackoff(absent)) {
    text += " backoff " + FormatDuration(policy.backoff_min_ms) + ".." + FormatDuration(policy.backoff_max_ms);
  }
  out.Line(2, text, location);
}

void PrintStep(Output& out, const Step& step) {
  std::string header = "step " + step.name;
  if (step.after_is_explicit) header += " after " + Join(step.after);
  out.Line(1, header + " {", step.location);
  if (step.has_send) out.Line(2, "send " + CommandText(step.send), step.send.location);
  std::string capture = step.capture.empty() ? "" : "capture " + Join(step.capture);
  if (!step.success.empty()) {
    out.Line(2, "success " + JoinNames(step.success) + (capture.empty() ? "" : " " + capture),
             step.success.front().location);
  } else if (!capture.empty()) {
    out.Line(2, capture, step.capture_location);
  }
  if (!step.failure.empty()) out.Line(2, "failure " + JoinNames(step.failure), step.failure.front().location);
  if (step.compensate) out.Line(2, "compensate " + CommandText(*step.compensate), step.compensate->location);
  if (step.timeout_ms != kDefaultStepTimeoutMs) {
    out.Line(2, "timeout " + FormatDuration(step.timeout_ms), step.timeout_location);
  }
  PrintRetryClause(out, "retry", step.retry, RetryPolicy{}, step.retry_location);
  PrintRetryClause(out, "resolve retry", step.resolve_retry, step.DefaultResolveRetry(), step.resolve_location);
  out.Line(1, "}", step.end_location);
}

void PrintBranch(Output& out, const TccBranch& branch) {
  out.Line(1, "branch " + branch.name + " {", branch.location);
  // Phase keywords padded so the three commands line up.
  if (branch.has_try) out.Line(2, "try     " + CommandText(branch.try_command), branch.try_command.location);
  if (branch.has_confirm) out.Line(2, "confirm " + CommandText(branch.confirm), branch.confirm.location);
  if (branch.has_cancel) out.Line(2, "cancel  " + CommandText(branch.cancel), branch.cancel.location);
  out.Line(1, "}", branch.end_location);
}

void PrintDefinition(Output& out, const Definition& definition) {
  out.Line(0, std::string(KindName(definition.kind)) + " " + definition.name + " {", definition.location);
  out.Line(1, "version " + std::to_string(definition.version), definition.version_location);
  out.Line(1, "start on " + (definition.start_event ? definition.start_event->ToString() : std::string("api")),
           definition.start_location);
  if (definition.key) out.Line(1, "key " + ExprToString(*definition.key), definition.key->location);
  if (definition.input) {
    std::vector<std::string> fields;
    for (const InputField& field : *definition.input) {
      fields.push_back(field.name + ": " + std::string(FieldTypeName(field.type)));
    }
    out.Line(1, fields.empty() ? "input { }" : "input { " + Join(fields) + " }", definition.input_location);
  }
  if (definition.kind == DefinitionKind::kTcc && definition.tcc_timeout_ms != kDefaultTccTimeoutMs) {
    out.Line(1, "timeout " + FormatDuration(definition.tcc_timeout_ms), definition.timeout_location);
  }
  for (const Step& step : definition.steps) {
    out.Blank();
    PrintStep(out, step);
  }
  for (const TccBranch& branch : definition.branches) {
    out.Blank();
    PrintBranch(out, branch);
  }
  if (definition.on_completed || definition.on_compensated) out.Blank();
  if (definition.on_completed) {
    out.Line(1, "on completed send " + CommandText(*definition.on_completed), definition.on_completed->location);
  }
  if (definition.on_compensated) {
    out.Line(1, "on compensated send " + CommandText(*definition.on_compensated), definition.on_compensated->location);
  }
  out.Line(0, "}", definition.end_location);
}

}  // namespace

std::string Print(const std::vector<Definition>& definitions, const std::vector<Comment>& comments) {
  Output out(comments);
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    if (i > 0) out.Blank();
    PrintDefinition(out, definitions[i]);
  }
  return out.Finish();
}

}  // namespace sagad::dsl
