#include "http-api/problem.h"

namespace sagad::http {
namespace {

Json ProblemBody(int status, std::string_view detail) {
  return Json{{"type", "about:blank"},
              {"title", std::string(ReasonPhrase(status))},
              {"status", status},
              {"detail", std::string(detail)}};
}

// 503 means "try again": say when (RFC 9110, 10.2.3), so clients back off
// instead of hammering a sagad whose store is full or which is stopping.
constexpr char kRetryAfterSeconds[] = "1";

Response ProblemResponse(int status, const Json& body) {
  Response response = Response::Json(status, body);
  response.content_type = std::string(kProblemType);
  if (status == 503) response.headers.emplace_back("Retry-After", kRetryAfterSeconds);
  return response;
}

}  // namespace

Response Problem(int status, std::string_view detail) {
  return ProblemResponse(status, ProblemBody(status, detail));
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kRejected: return 422;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kCorruption: return 500;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Response ProblemFromStatus(const Status& status) {
  int http_status = status.ok() ? 500 : HttpStatusFor(status.code());
  std::string detail = status.ok() ? "OK status reported as an error" : status.message();
  Json body = ProblemBody(http_status, detail);
  body["code"] = std::string(StatusCodeName(status.code()));
  return ProblemResponse(http_status, body);
}

}  // namespace sagad::http
