#include "apps/sagad/participant_flag.h"

#include <set>

namespace sagad::app {

Result<ParticipantFlag> ParseParticipantFlag(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return Status::InvalidArgument("--participant wants NAME=inproc, NAME=http://HOST:PORT/PATH or NAME=kafka, not '" +
                                   text + "'");
  }
  ParticipantFlag flag;
  flag.name = text.substr(0, eq);
  std::string how = text.substr(eq + 1);
  if (how == "inproc") {
    flag.kind = ParticipantFlag::Kind::kInProcess;
  } else if (how == "kafka") {
    flag.kind = ParticipantFlag::Kind::kKafka;
  } else if (how.rfind("http://", 0) == 0) {
    flag.kind = ParticipantFlag::Kind::kHttp;
    flag.url = how;
  } else {
    return Status::InvalidArgument("--participant " + flag.name + ": '" + how +
                                   "' is not inproc, kafka or an http:// URL");
  }
  return flag;
}

Result<std::vector<ParticipantFlag>> ParseParticipantFlags(const std::vector<std::string>& texts) {
  std::vector<ParticipantFlag> flags;
  std::set<std::string> names;
  for (const std::string& text : texts) {
    Result<ParticipantFlag> flag = ParseParticipantFlag(text);
    if (!flag.ok()) return flag.status();
    if (!names.insert(flag->name).second) {
      return Status::InvalidArgument("--participant " + flag->name + " is given twice");
    }
    flags.push_back(std::move(flag).value());
  }
  return flags;
}

}  // namespace sagad::app
