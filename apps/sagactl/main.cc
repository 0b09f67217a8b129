// sagactl: wiring only. Each command group registers itself; this file sets
// up the app, parses, and maps outcomes to exit codes (exit_codes.h).
#include <CLI/CLI.hpp>

#include "apps/sagactl/exit_codes.h"
#include "apps/sagactl/offline_commands.h"
#include "apps/sagactl/online_commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "sagactl: check, draw and format saga definitions (.saga files), and watch and steer the sagas a running "
      "sagad runs"};
  app.set_version_flag("--version", std::string("sagactl ") + SAGAD_VERSION);
  app.require_subcommand(1);
  // Global options may also follow the command: `sagactl list --json`.
  app.fallthrough();

  int exit_code = sagactl::kExitOk;
  sagactl::AddOfflineCommands(app, &exit_code);
  sagactl::AddOnlineCommands(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, and exit 0; anything else is a
    // usage error.
    return app.exit(e) == 0 ? sagactl::kExitOk : sagactl::kExitUsage;
  }
  return exit_code;
}
