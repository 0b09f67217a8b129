#include "tests/faults/misbehaving_participant.h"

#include <utility>

namespace sagad::faults {
namespace {

using participants::httptest::TestAction;
using participants::httptest::TestRequest;

// Over HttpTransportOptions::max_reply_bytes (1 MiB), which sagad uses.
constexpr std::size_t kHugeBodyBytes = std::size_t{2} << 20;

std::string CommandTypeOf(const TestRequest& request) {
  std::size_t slash = request.target.rfind('/');
  return slash == std::string::npos ? request.target : request.target.substr(slash + 1);
}

}  // namespace

std::string FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNotHttp: return "NotHttp";
    case Fault::kRedirect: return "Redirect";
    case Fault::kUnknownEvent: return "UnknownEvent";
    case Fault::kMalformedBody: return "MalformedBody";
    case Fault::kHugeBody: return "HugeBody";
    case Fault::kNeverEnds: return "NeverEnds";
    case Fault::kServerError: return "ServerError";
    case Fault::kSilence: return "Silence";
  }
  return "Unknown";
}

MisbehavingParticipant::MisbehavingParticipant(std::string faulty_type, std::map<std::string, Json> answers)
    : faulty_type_(std::move(faulty_type)),
      answers_(std::move(answers)),
      elsewhere_([this](const TestRequest& request) {
        std::lock_guard lock(mu_);
        ++redirect_hits_;
        auto it = answers_.find(CommandTypeOf(request));
        return it == answers_.end() ? TestAction::Respond(404, "") : TestAction::Respond(200, it->second.dump());
      }),
      server_([this](const TestRequest& request) { return Handle(request); }) {}

std::string MisbehavingParticipant::Url(std::string_view participant) const {
  std::string path = "/";  // appended, not "/" + ...: GCC 12 warns about that (-Wrestrict, a false positive)
  path += participant;
  return server_.Url(path);
}

std::string MisbehavingParticipant::RedirectLocation() const { return elsewhere_.Url("/moved/" + faulty_type_); }

int MisbehavingParticipant::RedirectTargetHits() const {
  std::lock_guard lock(mu_);
  return redirect_hits_;
}

void MisbehavingParticipant::MisbehaveFor(Fault fault, int requests) {
  std::lock_guard lock(mu_);
  fault_ = fault;
  faults_left_ = requests;
}

void MisbehavingParticipant::MisbehaveForever(Fault fault) { MisbehaveFor(fault, -1); }

void MisbehavingParticipant::Recover() { MisbehaveFor(fault_, 0); }

std::vector<ReceivedCommand> MisbehavingParticipant::ReceivedOf(std::string_view type) const {
  std::lock_guard lock(mu_);
  std::vector<ReceivedCommand> out;
  for (const ReceivedCommand& c : received_) {
    if (c.type == type) out.push_back(c);
  }
  return out;
}

TestAction MisbehavingParticipant::Handle(const TestRequest& request) {
  ReceivedCommand received;
  received.type = CommandTypeOf(request);
  Result<Json> body = ParseJson(request.body);
  if (body.ok() && body->is_object()) {
    received.command_id = body->value("command_id", "");
    received.attempt = body->value("attempt", 0);
  }
  std::lock_guard lock(mu_);
  received.misbehaved = received.type == faulty_type_ && faults_left_ != 0;
  received_.push_back(received);
  if (received.misbehaved) {
    if (faults_left_ > 0) --faults_left_;
    return Misbehaviour(fault_);
  }
  auto it = answers_.find(received.type);
  if (it == answers_.end()) return TestAction::Respond(404, "");
  return TestAction::Respond(200, it->second.dump());
}

TestAction MisbehavingParticipant::Misbehaviour(Fault fault) const {
  switch (fault) {
    case Fault::kNotHttp:
      return TestAction::RawThenHang(std::string("\x15\x03\x01\x00\x02\x02\x46", 7));
    case Fault::kRedirect:
      return TestAction::Respond(307, "").WithHeader("Location", RedirectLocation());
    case Fault::kUnknownEvent:
      return TestAction::Respond(200, R"({"event":"ChargeQueued","data":{}})");
    case Fault::kMalformedBody:
      return TestAction::Respond(200, "<html><body>502 Bad Gateway</body></html>");
    case Fault::kHugeBody:
      return TestAction::Respond(
          200, Json{{"event", answers_.at(faulty_type_).value("event", "")}, {"data", {{"blob", std::string(kHugeBodyBytes, 'x')}}}}
                   .dump());
    case Fault::kNeverEnds:
      return TestAction::Trickle();
    case Fault::kServerError:
      return TestAction::Respond(503, R"({"error":"database unavailable"})");
    case Fault::kSilence:
      return TestAction::Hang();
  }
  return TestAction::Hang();
}

}  // namespace sagad::faults
