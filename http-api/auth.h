// Admin token: with a token set, mutating requests (POST, PUT, DELETE, PATCH)
// must carry "Authorization: Bearer <token>", and with protect_reads every
// request must (except public routes: health probes). No credentials -> 401
// with WWW-Authenticate; wrong credentials -> 403.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http-api/request.h"
#include "http-api/response.h"

namespace sagad::http {

struct AuthOptions {
  std::string admin_token;     // empty: no authentication
  bool protect_reads = false;  // GET/HEAD need the token too
};

// nullopt when the request may proceed, else the 401/403 to send.
std::optional<Response> CheckAuth(const AuthOptions& options, const Request& request);

// Time depends on the lengths only, never on where the bytes differ, so a
// client cannot guess the token byte by byte from response times.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sagad::http
