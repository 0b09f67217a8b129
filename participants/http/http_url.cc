#include "participants/http/http_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sagad::participants {
namespace {

bool IsUnreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

Status Bad(std::string_view url, std::string_view why) {
  return Status::InvalidArgument("participant URL '" + std::string(url) + "': " + std::string(why));
}

}  // namespace

std::string HttpUrl::HostHeader() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpUrl::Origin() const { return "http://" + HostHeader(); }

std::string HttpUrl::ToString() const { return Origin() + base_path; }

std::string HttpUrl::TargetFor(std::string_view command_type) const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string target = base_path + "/";
  for (char c : command_type) {
    if (IsUnreserved(c)) {
      target += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      target += '%';
      target += kHex[b >> 4];
      target += kHex[b & 0xF];
    }
  }
  return target;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), url.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return Bad(url, "only http:// URLs are supported");
  }
  // Whitespace or control characters would end up in the request line.
  if (std::any_of(url.begin(), url.end(), [](char c) { return c <= ' ' || c == 0x7f; })) {
    return Bad(url, "contains whitespace or control characters");
  }
  if (url.find_first_of("?#") != std::string_view::npos) return Bad(url, "query and fragment are not allowed");

  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return Bad(url, "user info is not allowed");

  HttpUrl out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(url, "unterminated '[' in host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Bad(url, "unexpected text after ']'");
    if (!after.empty()) port_text = after.substr(1);
    if (after == ":") return Bad(url, "empty port");
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Bad(url, "empty port");
    }
  }
  if (out.host.empty()) return Bad(url, "no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return Bad(url, "port must be a number from 1 to 65535");
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.base_path = std::string(path);
  return out;
}

}  // namespace sagad::participants
