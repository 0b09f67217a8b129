#include "apps/sagad/http_limit_flags.h"

#include <chrono>
#include <string>

namespace sagad::app {
namespace {

void AddTimeoutFlag(CLI::App& app, const std::string& name, std::chrono::milliseconds& timeout,
                    const std::string& what) {
  app.add_option_function<std::int64_t>(
         name, [&timeout](std::int64_t ms) { timeout = std::chrono::milliseconds(ms); }, what)
      ->default_str(std::to_string(timeout.count()))
      ->check(CLI::PositiveNumber);
}

}  // namespace

void AddHttpLimitFlags(CLI::App& app, http::HttpServerOptions& limits) {
  app.add_option("--http-max-connections", limits.max_connections,
                 "HTTP connections open at once; at the cap a new one closes the connection idle longest, and is "
                 "answered 503 only if none is idle")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddTimeoutFlag(app, "--http-idle-timeout-ms", limits.idle_timeout,
                 "close an HTTP connection that starts no request for this long");
  AddTimeoutFlag(app, "--http-header-timeout-ms", limits.header_timeout,
                 "close an HTTP connection whose request header is not complete this long after its first byte");
  AddTimeoutFlag(app, "--http-body-timeout-ms", limits.body_timeout,
                 "close an HTTP connection whose request body is not complete this long after its header");
}

}  // namespace sagad::app
