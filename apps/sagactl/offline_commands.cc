#include "apps/sagactl/offline_commands.h"

#include <iostream>
#include <memory>

#include "apps/sagactl/exit_codes.h"
#include "apps/sagactl/saga_files.h"
#include "saga-dsl/checker.h"
#include "saga-dsl/compile.h"
#include "saga-dsl/graph.h"
#include "saga-dsl/printer.h"

namespace sagactl {
namespace {

namespace dsl = sagad::dsl;

struct LoadedFile {
  std::string path;
  std::string source;
  dsl::CompileResult result;
};

int UsageError(const std::string& message) {
  std::cerr << "sagactl: " << message << "\n";
  return kExitUsage;
}

// ---- validate ----

struct ValidateOptions {
  std::vector<std::string> paths;
};

int RunValidate(const ValidateOptions& options) {
  SagaFiles files = CollectSagaFiles(options.paths);
  if (!files.error.empty()) return UsageError(files.error);
  std::vector<LoadedFile> loaded;
  bool io_error = false;
  for (const std::string& path : files.paths) {
    std::string error;
    std::optional<std::string> source = ReadWholeFile(path, &error);
    if (!source) {
      std::cerr << "sagactl: " << error << "\n";
      io_error = true;
      continue;
    }
    dsl::CompileResult result = dsl::Compile(*source, path);
    loaded.push_back({path, std::move(*source), std::move(result)});
  }
  // Names must be unique across everything validated together, as they will
  // be when sagad loads the directory.
  std::vector<const dsl::Definition*> all;
  for (const LoadedFile& file : loaded) {
    for (const dsl::Definition& definition : file.result.definitions) all.push_back(&definition);
  }
  for (dsl::Diagnostic& d : dsl::CheckNamesAcrossFiles(all)) {
    for (LoadedFile& file : loaded) {
      if (file.path == d.file) file.result.diagnostics.push_back(std::move(d));
    }
  }
  int errors = 0;
  int warnings = 0;
  for (LoadedFile& file : loaded) {
    dsl::SortByLocation(file.result.diagnostics);
    std::cerr << dsl::FormatDiagnostics(file.result.diagnostics, file.source);
    errors += dsl::CountSeverity(file.result.diagnostics, dsl::Severity::kError);
    warnings += dsl::CountSeverity(file.result.diagnostics, dsl::Severity::kWarning);
  }
  std::cout << loaded.size() << " file(s), " << all.size() << " definition(s): " << errors << " error(s), "
            << warnings << " warning(s)\n";
  if (io_error) return kExitUsage;
  return errors > 0 ? kExitFailure : kExitOk;
}

// ---- graph ----

struct GraphOptions {
  std::string path;
  std::string format = "dot";
  std::string saga;
};

int RunGraph(const GraphOptions& options) {
  std::string error;
  std::optional<std::string> source = ReadWholeFile(options.path, &error);
  if (!source) return UsageError(error);
  dsl::CompileResult result = dsl::Compile(*source, options.path);
  std::cerr << dsl::FormatDiagnostics(result.diagnostics, *source);
  if (!result.ok()) return kExitFailure;
  std::string names;
  const dsl::Definition* chosen = nullptr;
  for (const dsl::Definition& definition : result.definitions) {
    names += (names.empty() ? "" : ", ") + definition.name;
    if (definition.name == options.saga) chosen = &definition;
  }
  if (options.saga.empty()) {
    if (result.definitions.size() != 1) {
      return UsageError(options.path + " defines " + std::to_string(result.definitions.size()) +
                        " sagas (" + names + "); choose one with --saga NAME");
    }
    chosen = &result.definitions.front();
  } else if (!chosen) {
    return UsageError(options.path + " has no definition named '" + options.saga + "' (it defines: " + names + ")");
  }
  std::cout << dsl::ExportGraph(*chosen, options.format == "mermaid" ? dsl::GraphFormat::kMermaid
                                                                      : dsl::GraphFormat::kDot);
  return kExitOk;
}

// ---- fmt ----

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;
  bool write = false;
};

int RunFmt(const FmtOptions& options) {
  SagaFiles files = CollectSagaFiles(options.paths);
  if (!files.error.empty()) return UsageError(files.error);
  int exit_code = kExitOk;
  for (const std::string& path : files.paths) {
    std::string error;
    std::optional<std::string> source = ReadWholeFile(path, &error);
    if (!source) return UsageError(error);
    // Syntax is enough to format; semantic errors are validate's business.
    dsl::ParseResult result = dsl::Parse(*source, path);
    std::cerr << dsl::FormatDiagnostics(result.diagnostics, *source);
    if (!result.ok()) {
      exit_code = kExitFailure;
      continue;
    }
    std::string formatted = dsl::Print(result.definitions, result.comments);
    if (options.check) {
      if (formatted != *source) {
        std::cerr << path << ": not in canonical form (run 'sagactl fmt --write " << path << "')\n";
        exit_code = kExitFailure;
      }
    } else if (options.write) {
      if (formatted != *source && !WriteWholeFile(path, formatted, &error)) return UsageError(error);
    } else {
      std::cout << formatted;
    }
  }
  return exit_code;
}

}  // namespace

void AddOfflineCommands(CLI::App& app, int* exit_code) {
  auto validate = std::make_shared<ValidateOptions>();
  CLI::App* validate_command = app.add_subcommand(
      "validate", "Check .saga files: syntax and semantics. Exit 0 when valid (warnings allowed), 1 on errors");
  validate_command->add_option("paths", validate->paths, "Files, or directories searched for *.saga")
      ->required();
  validate_command->callback([validate, exit_code] { *exit_code = RunValidate(*validate); });

  auto graph = std::make_shared<GraphOptions>();
  CLI::App* graph_command =
      app.add_subcommand("graph", "Print a definition's flow (steps, compensations, tcc branches) as a graph");
  graph_command->add_option("file", graph->path, "A .saga file")->required();
  graph_command->add_option("--format", graph->format, "dot (Graphviz) or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->capture_default_str();
  graph_command->add_option("--saga", graph->saga, "Which definition, when the file has several");
  graph_command->callback([graph, exit_code] { *exit_code = RunGraph(*graph); });

  auto fmt = std::make_shared<FmtOptions>();
  CLI::App* fmt_command =
      app.add_subcommand("fmt", "Print .saga files in canonical form (comments are kept)");
  fmt_command->add_option("paths", fmt->paths, "Files, or directories searched for *.saga")->required();
  CLI::Option* check = fmt_command->add_flag("--check", fmt->check, "Exit 1 if a file is not in canonical form");
  CLI::Option* write = fmt_command->add_flag("--write", fmt->write, "Rewrite files in place");
  check->excludes(write);
  fmt_command->callback([fmt, exit_code] { *exit_code = RunFmt(*fmt); });
}

}  // namespace sagactl
