// `--http-max-connections`, `--http-idle-timeout-ms`, `--http-header-timeout-ms`,
// `--http-body-timeout-ms`: the HTTP edge's connection cap and timeouts, for
// an operator who sizes them (and for tests that cannot wait out the
// defaults). What each one does: http-api/http_server.h.
#pragma once

#include <CLI/CLI.hpp>

#include "http-api/http_server.h"

namespace sagad::app {

// Adds the flags to `app`; each one, when given, sets its field of `limits`,
// whose values are the defaults shown by --help.
void AddHttpLimitFlags(CLI::App& app, http::HttpServerOptions& limits);

}  // namespace sagad::app
