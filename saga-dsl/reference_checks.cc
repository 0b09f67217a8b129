#include "saga-dsl/reference_checks.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "saga-dsl/token.h"

namespace sagad::dsl {
namespace {

// Where an expression is evaluated decides what data exists by then.
enum class Site {
  kKey,            // on the start payload, before anything ran
  kSend,           // when `step` starts: its ancestors have completed
  kCompensate,     // when `step` is undone: it and its ancestors completed
  kOnCompleted,    // every step completed
  kOnCompensated,  // some steps may never have run
  kTcc,            // tcc commands: start payload only
};

struct Where {
  Site site;
  int step = -1;
};

class ReferenceChecker {
 public:
  ReferenceChecker(const Definition& definition, const StepGraph& graph, DiagnosticSink& sink)
      : definition_(definition), graph_(graph), sink_(sink) {
    for (std::size_t i = 0; i < definition.steps.size(); ++i) {
      step_index_.emplace(definition.steps[i].name, static_cast<int>(i));
    }
  }

  void Run() {
    if (definition_.key) CheckExpr(*definition_.key, {Site::kKey});
    bool saga = definition_.kind == DefinitionKind::kSaga;
    for (std::size_t i = 0; i < definition_.steps.size(); ++i) {
      const Step& step = definition_.steps[i];
      int index = static_cast<int>(i);
      CheckCommand(step.send, {Site::kSend, index});
      if (step.compensate) CheckCommand(*step.compensate, {Site::kCompensate, index});
    }
    for (const TccBranch& branch : definition_.branches) {
      for (const CommandSpec* command : {&branch.try_command, &branch.confirm, &branch.cancel}) {
        CheckCommand(*command, {Site::kTcc});
      }
    }
    if (definition_.on_completed) CheckCommand(*definition_.on_completed, {saga ? Site::kOnCompleted : Site::kTcc});
    if (definition_.on_compensated) {
      CheckCommand(*definition_.on_compensated, {saga ? Site::kOnCompensated : Site::kTcc});
    }
  }

 private:
  void CheckCommand(const CommandSpec& command, Where where) {
    CheckExpr(command.target, where);
    CheckExpr(command.payload, where);
  }

  void CheckExpr(const Expr& expr, Where where) {
    switch (expr.kind) {
      case Expr::Kind::kLiteral: return;
      case Expr::Kind::kPath: CheckPath(expr, where); return;
      case Expr::Kind::kObject:
        for (const ExprField& field : expr.fields) CheckExpr(field.value, where);
        return;
      case Expr::Kind::kArray:
        for (const Expr& element : expr.elements) CheckExpr(element, where);
        return;
    }
  }

  void Report(const Expr& path, const std::string& message) {
    sink_.Error(path.location, message, static_cast<int>(PathToString(path.path).size()));
  }

  void CheckPath(const Expr& expr, Where where) {
    const std::vector<std::string>& path = expr.path;
    if (path.empty()) return;  // `$`: the whole context
    std::string ref = SingleQuoted(PathToString(path));
    if (path[0] == "saga_id") {
      if (where.site == Site::kKey) {
        Report(expr, "the key cannot use '$.saga_id': the key decides which instance that is");
      } else if (path.size() > 1) {
        Report(expr, ref + ": saga_id is a string and has no fields");
      }
      return;
    }
    if (path[0] == "failure") {
      CheckFailure(expr, where, ref);
      return;
    }
    auto step = step_index_.find(path[0]);
    if (step != step_index_.end()) {
      CheckStepReference(expr, step->second, where, ref);
    } else {
      CheckInputReference(expr, ref);
    }
  }

  void CheckFailure(const Expr& expr, Where where, const std::string& ref) {
    const std::vector<std::string>& path = expr.path;
    if (where.site != Site::kCompensate && where.site != Site::kOnCompensated) {
      Report(expr, ref + ": $.failure is only set during compensation (in 'compensate' and 'on compensated')");
    } else if (path.size() > 1 && path[1] != "step" && path[1] != "reason") {
      Report(expr, ref + ": $.failure has only 'step' and 'reason'");
    } else if (path.size() > 2) {
      Report(expr, ref + ": $.failure." + path[1] + " is a string and has no fields");
    }
  }

  void CheckStepReference(const Expr& expr, int referenced, Where where, const std::string& ref) {
    const std::string& name = definition_.steps[referenced].name;
    const std::string user = where.step >= 0 ? definition_.steps[where.step].name : "";
    bool ancestor = where.step >= 0 && graph_.IsAncestor(where.step, referenced);
    switch (where.site) {
      case Site::kKey:
      case Site::kTcc:
        Report(expr, ref + ": this is evaluated on the start payload, before any step has run ('" + name +
                         "' is a step)");
        return;
      case Site::kSend:
        if (referenced == where.step) {
          Report(expr, ref + ": step '" + name + "' cannot use its own captures before it has completed");
          return;
        }
        if (!ancestor) {
          Report(expr, ref + " is not guaranteed to be set when step '" + user + "' starts: step '" + name +
                           "' is not among its dependencies (add 'after " + name + "')");
          return;
        }
        break;
      case Site::kCompensate:
        if (referenced != where.step && !ancestor) {
          Report(expr, ref + " is not guaranteed to be set when step '" + user + "' is compensated: step '" + name +
                           "' may not have completed");
          return;
        }
        break;
      case Site::kOnCompensated:
        Report(expr, ref + " is not guaranteed to be set in 'on compensated': the saga may have failed before step '" +
                         name + "' completed");
        return;
      case Site::kOnCompleted:
        break;
    }
    const std::vector<std::string>& captured = definition_.steps[referenced].capture;
    if (expr.path.size() > 1 && std::find(captured.begin(), captured.end(), expr.path[1]) == captured.end()) {
      Report(expr, ref + ": step '" + name + "' does not capture '" + expr.path[1] + "' (add 'capture " +
                       expr.path[1] + "' to step '" + name + "')");
    }
  }

  void CheckInputReference(const Expr& expr, const std::string& ref) {
    if (!definition_.input) return;  // undeclared input: anything goes
    const std::vector<InputField>& fields = *definition_.input;
    auto field = std::find_if(fields.begin(), fields.end(),
                              [&](const InputField& f) { return f.name == expr.path[0]; });
    if (field == fields.end()) {
      std::string declared;
      for (const InputField& f : fields) declared += (declared.empty() ? "" : ", ") + f.name;
      Report(expr, ref + " is not declared in input" + (declared.empty() ? "" : " (declared: " + declared + ")"));
      return;
    }
    bool scalar = field->type != FieldType::kObject && field->type != FieldType::kArray &&
                  field->type != FieldType::kAny;
    if (expr.path.size() > 1 && scalar) {
      Report(expr, ref + ": input field '" + field->name + "' is " + std::string(FieldTypeName(field->type)) +
                       " and has no fields");
    }
  }

  const Definition& definition_;
  const StepGraph& graph_;
  DiagnosticSink& sink_;
  std::map<std::string_view, int> step_index_;
};

}  // namespace

void CheckReferences(const Definition& definition, const StepGraph& graph, DiagnosticSink& sink) {
  ReferenceChecker(definition, graph, sink).Run();
}

}  // namespace sagad::dsl
