#include "tests/simulation/definition_generator.h"

namespace sagad::simulation {
namespace {

std::string Duration(std::int64_t ms) { return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms"; }

std::string FinalClauses(const std::string& participant, const char* completed, const char* compensated) {
  std::string t;
  t += "  on " + std::string(completed) + " send " + participant +
       ".Notify to $.t_final { instance: $.saga_id, kind: \"" + completed + "\" }\n";
  t += "  on " + std::string(compensated) + " send " + participant +
       ".Notify to $.t_final { instance: $.saga_id, kind: \"" + compensated + "\" }\n";
  return t;
}

}  // namespace

GeneratedDefinition GenerateSaga(Random& random, const std::string& name) {
  GeneratedDefinition d;
  d.name = name;
  int count = static_cast<int>(random.Between(1, 6));
  for (int i = 0; i < count; ++i) {
    GeneratedStep step;
    step.name = "s" + std::to_string(i + 1);
    step.participant = random.Pick(kParticipants);
    step.compensable = random.Chance(0.8);
    // Dependencies (the language has one root, the first step): the
    // previous step, any one earlier step (parallel branches), or two (a join).
    if (i > 0) {
      std::uint64_t shape = random.Below(3);
      auto earlier = [&] { return d.steps[random.Below(static_cast<std::uint64_t>(i))].name; };
      if (shape == 0 && i > 1) {
        step.after.push_back(earlier());
        std::string other = earlier();
        if (other != step.after[0]) step.after.push_back(other);
      } else if (shape == 1) {
        step.after.push_back(earlier());
      } else {
        step.after.push_back(d.steps[static_cast<std::size_t>(i - 1)].name);
      }
    }
    if (!step.after.empty() && random.Chance(0.6)) step.ref_from = step.after[0];
    d.steps.push_back(std::move(step));
  }
  d.finals = random.Chance(0.5);

  std::string& t = d.text;
  t = "saga " + name + " {\n  version 1\n";
  for (const GeneratedStep& s : d.steps) {
    t += "  step " + s.name;
    if (!s.after.empty()) {
      t += " after ";
      for (std::size_t i = 0; i < s.after.size(); ++i) t += (i ? ", " : "") + s.after[i];
    }
    t += " {\n";
    t += "    send " + s.participant + ".Do to $.t_" + s.name + " { instance: $.saga_id, step: \"" + s.name +
         "\", refuse: $.refuse_" + s.name;
    if (s.ref_from) t += ", ref_in: $." + *s.ref_from + ".ref";
    t += " }\n";
    t += "    success " + s.participant + ".Done capture ref\n";
    if (s.compensable) {
      t += "    compensate " + s.participant + ".Undo to $.t_" + s.name + " { instance: $.saga_id, step: \"" +
           s.name + "\", ref: $." + s.name + ".ref }\n";
    }
    std::int64_t timeout = random.Between(1, 5) * 500;
    std::int64_t backoff_min = random.Between(1, 4) * 50;
    t += "    timeout " + Duration(timeout) + "\n";
    t += "    retry " + std::to_string(random.Between(0, 3)) + " backoff " + Duration(backoff_min) + ".." +
         Duration(backoff_min * 8) + "\n";
    if (random.Chance(0.7)) t += "    resolve retry " + std::to_string(random.Between(0, 4)) + "\n";
    t += "  }\n";
  }
  if (d.finals) t += FinalClauses(random.Pick(kParticipants), "completed", "compensated");
  t += "}\n";
  return d;
}

GeneratedDefinition GenerateTcc(Random& random, const std::string& name) {
  GeneratedDefinition d;
  d.tcc = true;
  d.name = name;
  int count = static_cast<int>(random.Between(1, 4));
  std::string& t = d.text;
  t = "tcc " + name + " {\n  version 1\n  timeout " + Duration(random.Between(2, 8) * 500) + "\n";
  for (int i = 0; i < count; ++i) {
    std::string b = "b" + std::to_string(i + 1);
    std::string p = random.Pick(kParticipants);
    d.branches.push_back(b);
    d.branch_participants.push_back(p);
    std::string to = " to $.t_" + b + " { tx: $.tx_" + b;
    t += "  branch " + b + " {\n";
    t += "    try     " + p + ".TryHold" + to + ", instance: $.saga_id, branch: \"" + b + "\", refuse: $.refuse_" + b +
         " }\n";
    t += "    confirm " + p + ".ConfirmHold" + to + " }\n";
    t += "    cancel  " + p + ".CancelHold" + to + " }\n";
    t += "  }\n";
  }
  d.finals = random.Chance(0.5);
  if (d.finals) t += FinalClauses(random.Pick(kParticipants), "completed", "compensated");
  t += "}\n";
  return d;
}

}  // namespace sagad::simulation
