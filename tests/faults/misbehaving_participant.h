// A participant over HTTP (docs/participants.md) that misbehaves in one way
// on one command type, for as many requests as the test says or until it
// recovers, and otherwise answers as a correct participant would. It records
// every command it receives, so a test can check what sagad sent.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "participants/http/test_http_server.h"

namespace sagad::faults {

enum class Fault {
  kNotHttp,        // bytes of another protocol (a TLS alert), then silence
  kRedirect,       // 307 to another server, which must never be reached
  kUnknownEvent,   // 200 with an event the step names neither as success nor failure
  kMalformedBody,  // 200 with an HTML page instead of the protocol's JSON object
  kHugeBody,       // 200 with a well-formed body over the transport's 1 MiB limit
  kNeverEnds,      // 200 header, then the body trickles forever
  kServerError,    // 503
  kSilence,        // the request is read and never answered
};

std::string FaultName(Fault fault);  // "NotHttp", ... (test names)

struct ReceivedCommand {
  std::string type;
  std::string command_id;
  int attempt = 0;
  bool misbehaved = false;
};

class MisbehavingParticipant {
 public:
  // `answers`: command type -> the 200 body a correct participant answers.
  // Any other type is answered 404. `faulty_type` is the type it
  // misbehaves on, once told to.
  MisbehavingParticipant(std::string faulty_type, std::map<std::string, Json> answers);

  // Base URL for `--participant NAME=...`.
  std::string Url(std::string_view participant) const;
  // Where kRedirect points: a server that answers correctly but must never
  // see a request, since sagad does not follow redirects.
  std::string RedirectLocation() const;
  int RedirectTargetHits() const;

  void MisbehaveFor(Fault fault, int requests);  // the next `requests` of the faulty type
  void MisbehaveForever(Fault fault);
  void Recover();  // the operator fixed it: correct answers from now on

  std::vector<ReceivedCommand> ReceivedOf(std::string_view type) const;

 private:
  participants::httptest::TestAction Handle(const participants::httptest::TestRequest& request);
  participants::httptest::TestAction Misbehaviour(Fault fault) const;

  const std::string faulty_type_;
  const std::map<std::string, Json> answers_;

  mutable std::mutex mu_;
  Fault fault_ = Fault::kServerError;
  int faults_left_ = 0;  // < 0: forever
  std::vector<ReceivedCommand> received_;
  int redirect_hits_ = 0;

  // Last: their threads call Handle, so they stop before the state above goes.
  participants::httptest::TestHttpServer elsewhere_;
  participants::httptest::TestHttpServer server_;
};

}  // namespace sagad::faults
