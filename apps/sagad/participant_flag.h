// `--participant NAME=inproc | NAME=http://HOST:PORT/PATH | NAME=kafka`:
// how sagad reaches each participant the .saga files name.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace sagad::app {

struct ParticipantFlag {
  enum class Kind { kInProcess, kHttp, kKafka };
  std::string name;
  Kind kind = Kind::kInProcess;
  std::string url;  // kHttp
};

// InvalidArgument with the offending text for anything else.
Result<ParticipantFlag> ParseParticipantFlag(const std::string& text);
// Every flag parsed; a name given twice is refused.
Result<std::vector<ParticipantFlag>> ParseParticipantFlags(const std::vector<std::string>& texts);

}  // namespace sagad::app
