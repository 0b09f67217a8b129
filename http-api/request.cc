#include "http-api/request.h"

#include <array>
#include <cctype>

namespace sagad::http {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames{{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kDelete, "DELETE"},
    {Method::kPatch, "PATCH"},
    {Method::kOptions, "OPTIONS"},
}};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string_view> Find(const Fields& fields, std::string_view name, bool ignore_case) {
  for (const auto& [key, value] : fields) {
    if (ignore_case ? EqualsIgnoreCase(key, name) : key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view MethodName(Method method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

Method MethodFromName(std::string_view name) {
  for (const auto& [m, n] : kMethodNames) {
    if (n == name) return m;
  }
  return Method::kOther;
}

bool IsMutating(Method method) {
  return method == Method::kPost || method == Method::kPut || method == Method::kDelete ||
         method == Method::kPatch || method == Method::kOther;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  return Find(headers, name, /*ignore_case=*/true);
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  return Find(query, name, /*ignore_case=*/false);
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      bool complete = i + 2 < text.size();
      int hi = complete ? HexValue(text[i + 1]) : -1;
      int lo = complete ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("bad percent-encoding at offset " + std::to_string(i));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

Result<Fields> ParseQuery(std::string_view query) {
  Fields fields;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    Result<std::string> name = PercentDecode(piece.substr(0, eq), /*plus_is_space=*/true);
    if (!name.ok()) return name.status().WithContext("query");
    Result<std::string> value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), /*plus_is_space=*/true);
    if (!value.ok()) return value.status().WithContext("query parameter '" + *name + "'");
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  return fields;
}

Status ParseTarget(Request& request) {
  std::string_view target = request.target;
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("request target must be a path starting with '/'");
  }
  std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  // A fragment is never sent by a conforming client; refuse rather than guess.
  if (target.find('#') != std::string_view::npos) {
    return Status::InvalidArgument("request target must not contain a fragment");
  }
  request.path = std::string(path);
  request.query.clear();
  if (question == std::string_view::npos) return Status::Ok();
  Result<Fields> query = ParseQuery(target.substr(question + 1));
  if (!query.ok()) return query.status();
  request.query = std::move(*query);
  return Status::Ok();
}

}  // namespace sagad::http
