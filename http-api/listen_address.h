// "HOST:PORT" as given to --listen: "127.0.0.1:8080", "[::1]:0", ":8080"
// (host defaults to 127.0.0.1: nothing is exposed beyond the machine unless
// asked). Port 0 asks the kernel for a free port (tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sagad::http {

struct ListenAddress {
  std::string host;  // an IP literal, without brackets
  std::uint16_t port = 0;
};

Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace sagad::http
