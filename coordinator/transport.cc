#include "coordinator/transport.h"

namespace sagad::coordinator {

std::string_view OutcomeName(Reply::Outcome outcome) {
  switch (outcome) {
    case Reply::Outcome::kSuccess: return "success";
    case Reply::Outcome::kFailure: return "failure";
    case Reply::Outcome::kTransient: return "transient";
    case Reply::Outcome::kEvent: return "event";
  }
  return "transient";
}

}  // namespace sagad::coordinator
