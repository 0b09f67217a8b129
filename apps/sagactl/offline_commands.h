// The offline half of sagactl: commands that work on .saga files and need no
// running sagad.
//
//   sagactl validate FILE|DIR...
//   sagactl graph FILE [--format dot|mermaid] [--saga NAME]
//   sagactl fmt FILE|DIR... [--check | --write]
#pragma once

#include <CLI/CLI.hpp>

namespace sagactl {

// Registers the subcommands on `app`. The one that runs stores its exit code
// (exit_codes.h) in *exit_code, which must outlive app.parse().
void AddOfflineCommands(CLI::App& app, int* exit_code);

}  // namespace sagactl
