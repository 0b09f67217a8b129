#include "http-api/auth.h"

#include <cctype>

#include "http-api/problem.h"

namespace sagad::http {
namespace {

// The credentials of "Bearer <token>" (scheme case-insensitive, RFC 9110
// 11.1), or nullopt if the header is missing or names another scheme.
std::optional<std::string_view> BearerToken(const Request& request) {
  std::optional<std::string_view> header = request.Header("authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = header->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the expected length whatever the other is; fold every difference
  // into one accumulator and decide at the end.
  std::size_t diff = a.size() ^ b.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char other = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(a[i]) ^ other;
  }
  return diff == 0;
}

std::optional<Response> CheckAuth(const AuthOptions& options, const Request& request) {
  if (options.admin_token.empty()) return std::nullopt;
  if (!IsMutating(request.method) && !options.protect_reads) return std::nullopt;
  std::optional<std::string_view> token = BearerToken(request);
  if (!token) {
    Response response = Problem(401, "this request needs the admin token: Authorization: Bearer <token>");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sagad\"");
    return response;
  }
  if (!ConstantTimeEquals(options.admin_token, *token)) return Problem(403, "the admin token is not valid");
  return std::nullopt;
}

}  // namespace sagad::http
