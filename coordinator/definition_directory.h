// DefinitionDirectory: the .saga files of one directory, compiled into the
// catalog (and archived in the store) at start, then watched.
//
//   DefinitionDirectory dir("./sagas", &catalog, &archive);
//   ScanReport report = dir.Scan();      // at start: report.errors to the log
//   dir.Watch(1000);                      // rescans changed files every second
//
// A new version of a definition is used by instances started afterwards;
// running instances keep theirs. A file that changes a definition without
// raising its version is refused (the running version stays), and a file
// that does not compile is reported with file:line:column; neither affects
// the other files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coordinator/definition_archive.h"
#include "coordinator/definition_catalog.h"

namespace sagad::coordinator {

struct ScanReport {
  std::vector<std::string> loaded;  // "PlaceOrder v2 (sagas/place_order.saga)"
  std::vector<std::string> errors;  // one message per refused file or definition
  std::size_t files = 0;            // .saga files seen
};

class DefinitionDirectory {
 public:
  // `archive` may be null (nothing persisted: tests, `sagactl`).
  DefinitionDirectory(std::filesystem::path dir, DefinitionCatalog* catalog, DefinitionArchive* archive)
      : dir_(std::move(dir)), catalog_(catalog), archive_(archive) {}
  ~DefinitionDirectory() { StopWatching(); }

  // NotFound if the directory does not exist (or is not a directory).
  Status Check() const;

  // Compiles every .saga file whose content changed since the last scan.
  ScanReport Scan();

  // Scans every `interval_ms` on a thread, logging what changed.
  void Watch(int interval_ms);
  void StopWatching();

 private:
  void LoadFile(const std::filesystem::path& file, const std::string& source, ScanReport& report);

  std::filesystem::path dir_;
  DefinitionCatalog* catalog_;
  DefinitionArchive* archive_;
  std::mutex scan_mu_;
  std::map<std::string, std::string> seen_;  // file -> content at the last scan

  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stop_watching_ = false;
  std::thread watcher_;
};

}  // namespace sagad::coordinator
