// The online half of sagactl: commands that watch and steer a running sagad
// over its HTTP API (docs/api.md, docs/openapi.yaml).
//
//   sagactl [--server URL] [--token T] [--json] COMMAND
//     list [--status S] [--definition D] [--limit N] [--cursor C]
//     show ID | events ID
//     retry|skip|abort|pause|resume ID --reason R [--step S]   (abort: [--no-compensate])
//     definitions
//     start DEFINITION --input JSON [--key K]
//
// Tables by default; --json prints sagad's JSON answer as it came. Exit 0 ok,
// 1 when sagad refuses (4xx: the problem's detail goes to stderr), 2 on bad
// usage or when sagad cannot be reached or fails (5xx).
#pragma once

#include <CLI/CLI.hpp>

namespace sagactl {

// Registers the global options on `app` and the subcommands. The one that
// runs stores its exit code (exit_codes.h) in *exit_code, which must outlive
// app.parse().
void AddOnlineCommands(CLI::App& app, int* exit_code);

}  // namespace sagactl
