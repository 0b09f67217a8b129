#include "http-api/listen_address.h"

#include <charconv>

namespace sagad::http {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("listen address '" + std::string(text) + "' is not HOST:PORT");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  ListenAddress address{host.empty() ? "127.0.0.1" : std::string(host), 0};
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Status::InvalidArgument("listen address '" + std::string(text) + "': port must be 0..65535");
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

}  // namespace sagad::http
