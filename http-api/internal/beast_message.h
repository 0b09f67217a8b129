// Conversions between Beast's messages and ours. Internal: only the server
// and the fuzzer include Beast.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

#include "http-api/request.h"
#include "http-api/response.h"

namespace sagad::http::internal {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Method, target, headers (names lower-cased) and body; the pipeline parses
// the target.
Request FromBeast(BeastRequest&& request);

// Adds Server, Content-Length and Connection. For HEAD the body is dropped
// and Content-Length still says how long it would have been.
BeastResponse ToBeast(Response&& response, unsigned version, bool keep_alive, bool head);

// The answer to a request that could not be read: 413 (body too large),
// 431 (header too large) or 400 (anything malformed).
Response ForReadError(const boost::beast::error_code& ec);

}  // namespace sagad::http::internal
