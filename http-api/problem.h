// Errors as RFC 9457 problem details (application/problem+json):
//   {"type":"about:blank","title":"Not Found","status":404,"detail":"..."}
// `title` is the status's reason phrase (what "about:blank" asks for) and
// `detail` says what went wrong with this request. Problems made from a
// Status also carry "code" (the StatusCode name) so clients can switch on it.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "http-api/response.h"

namespace sagad::http {

inline constexpr std::string_view kProblemType = "application/problem+json";

Response Problem(int status, std::string_view detail);

// The one place a StatusCode becomes an HTTP status: InvalidArgument 400,
// NotFound 404, Conflict and FailedPrecondition 409, Rejected 422,
// Unavailable 503, DeadlineExceeded 504, Corruption and Internal 500, OK 200.
int HttpStatusFor(StatusCode code);

// A problem for a non-OK status: its code picks the HTTP status, its message
// is the detail.
Response ProblemFromStatus(const Status& status);

}  // namespace sagad::http
