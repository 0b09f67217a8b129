// The base URL of an HTTP participant, e.g. "http://127.0.0.1:9101/flights".
// Parsed once when the transport is created so a typo in
// `--participant NAME=URL` is refused at startup, not at the first command.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sagad::participants {

struct HttpUrl {
  std::string host;        // "127.0.0.1", "inventory.local" or "::1" (no brackets)
  std::uint16_t port = 80;
  std::string base_path;   // "/flights", "" for the root; never ends with '/'

  // "http://127.0.0.1:9101/flights"
  std::string ToString() const;
  // "http://127.0.0.1:9101": prefix a target with it to name a command's URL.
  std::string Origin() const;
  // The value of the Host header: "127.0.0.1:9101", "[::1]:80".
  std::string HostHeader() const;
  // base_path + "/" + command type, percent-encoding anything that is not an
  // RFC 3986 unreserved character: "/flights/BookFlight".
  std::string TargetFor(std::string_view command_type) const;
};

// Only http:// (no TLS, no user info, query or fragment). InvalidArgument
// naming the URL and what is wrong with it.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace sagad::participants
