#include "http-api/router.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace sagad::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

[[noreturn]] void BadRoute(const Route& route, std::string_view why) {
  spdlog::critical("http route {} {}: {}", MethodName(route.method), route.pattern, why);
  std::abort();
}

// Literal segments sort before parameters, so the smallest key is the most
// specific match.
std::string SpecificityKey(const Route& route) {
  std::string key;
  for (const std::string& segment : route.segments) key += IsParam(segment) ? 'P' : 'L';
  return key;
}

bool Matches(const Route& route, const std::vector<std::string>& segments, PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (IsParam(want)) {
      if (segments[i].empty()) return false;
      if (params) (*params)[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

bool Serves(const Route& route, Method method) {
  return route.method == method || (method == Method::kHead && route.method == Method::kGet);
}

}  // namespace

void Router::Add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  AddRoute(Route{method, std::string(pattern), {}, std::move(handler), options});
}

void Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler, RouteOptions options) {
  AddRoute(Route{method, std::string(pattern), {}, std::move(handler), options});
}

void Router::AddRoute(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') BadRoute(route, "pattern must start with '/'");
  if (route.method == Method::kOther || route.method == Method::kHead) {
    BadRoute(route, "method must be GET, POST, PUT, DELETE, PATCH or OPTIONS (HEAD is served by GET)");
  }
  std::vector<std::string> names;
  for (std::string_view segment : SplitPath(route.pattern)) {
    bool braces = segment.find_first_of("{}") != std::string_view::npos;
    if (braces && !IsParam(segment)) BadRoute(route, "a parameter must be a whole segment: {name}");
    if (segment.find_first_of("%?#") != std::string_view::npos) BadRoute(route, "pattern has '%', '?' or '#'");
    if (IsParam(segment)) {
      std::string name(segment.substr(1, segment.size() - 2));
      for (const std::string& seen : names) {
        if (seen == name) BadRoute(route, "parameter {" + name + "} appears twice");
      }
      names.push_back(name);
    }
    route.segments.emplace_back(segment);
  }
  for (const Route& existing : routes_) {
    if (existing.method == route.method && SpecificityKey(existing) == SpecificityKey(route)) {
      // Same shape: equal literals make the two indistinguishable.
      if (Matches(existing, route.segments, nullptr)) BadRoute(route, "duplicates " + existing.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::Find(Method method, std::string_view path) const {
  RouteMatch match;
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    Result<std::string> decoded = PercentDecode(raw);
    if (!decoded.ok()) {
      match.kind = RouteMatch::Kind::kBadPath;
      match.error = "path: " + decoded.status().message();
      return match;
    }
    segments.push_back(std::move(*decoded));
  }

  const Route* best = nullptr;
  std::string best_key;
  std::vector<Method> allowed;
  for (const Route& route : routes_) {
    if (!Matches(route, segments, nullptr)) continue;
    allowed.push_back(route.method);
    if (!Serves(route, method)) continue;
    std::string key = SpecificityKey(route);
    if (best == nullptr || key < best_key) {
      best = &route;
      best_key = std::move(key);
    }
  }
  if (best != nullptr) {
    match.kind = RouteMatch::Kind::kFound;
    match.route = best;
    Matches(*best, segments, &match.params);
    return match;
  }
  if (allowed.empty()) return match;  // kNotFound

  match.kind = RouteMatch::Kind::kMethodNotAllowed;
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete, Method::kPatch,
                   Method::kOptions}) {
    bool has = false;
    for (Method a : allowed) has = has || a == m || (m == Method::kHead && a == Method::kGet);
    if (!has) continue;
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += MethodName(m);
  }
  return match;
}

}  // namespace sagad::http
