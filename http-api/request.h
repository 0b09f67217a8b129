// Request: what a route handler sees of an HTTP request. Our own small type so
// that no code outside http-api/ depends on Boost.Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sagad::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

std::string_view MethodName(Method method);  // "GET", ...; "OTHER" for kOther
Method MethodFromName(std::string_view name);  // exact, case-sensitive (RFC 9110)

// Changes state: the admin token guards these.
bool IsMutating(Method method);

// Name/value pairs in arrival order. Header names are stored lower-case so
// lookups are case-insensitive; query names are case-sensitive.
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/v1/sagas/a%2Fb?limit=10"
  std::string path;    // the target's path, still percent-encoded: "/v1/sagas/a%2Fb"
  Fields query;        // decoded: {{"limit", "10"}}
  Fields headers;      // lower-case names
  std::string body;

  // First header named `name` (any case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // First query parameter named `name`, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '.
// InvalidArgument on a truncated or non-hex escape. Decoded bytes are not
// checked to be UTF-8: ids are opaque.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x%20y&flag" -> {{"a","1"},{"b","x y"},{"flag",""}}. Empty pieces
// ("a=1&&b=2") are skipped.
Result<Fields> ParseQuery(std::string_view query);

// Fills request.path and request.query from request.target. Only the
// origin form ("/path?query") is accepted: a server behind no proxy has no
// use for absolute or asterisk forms.
Status ParseTarget(Request& request);

}  // namespace sagad::http
