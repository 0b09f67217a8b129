#include "coordinator/definition_directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/compile.h"

namespace sagad::coordinator {
namespace fs = std::filesystem;

Status DefinitionDirectory::Check() const {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    return Status::NotFound("definitions directory " + dir_.string() + " does not exist or is not a directory");
  }
  return Status::Ok();
}

ScanReport DefinitionDirectory::Scan() {
  std::lock_guard lock(scan_mu_);
  ScanReport report;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".saga" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) {
    report.errors.push_back("cannot read " + dir_.string() + ": " + ec.message());
    return report;
  }
  std::sort(files.begin(), files.end());
  report.files = files.size();
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      report.errors.push_back("cannot read " + file.string());
      continue;
    }
    std::string source = text.str();
    auto seen = seen_.find(file.string());
    if (seen != seen_.end() && seen->second == source) continue;
    seen_[file.string()] = source;
    LoadFile(file, source, report);
  }
  return report;
}

void DefinitionDirectory::LoadFile(const fs::path& file, const std::string& source, ScanReport& report) {
  dsl::CompileResult compiled = dsl::Compile(source, file.string());
  if (!compiled.ok()) {
    report.errors.push_back(dsl::FormatDiagnostics(compiled.diagnostics, source));
    return;
  }
  for (dsl::Definition& d : compiled.definitions) {
    std::string hash = dsl::ContentHash(d);
    std::string what = d.name + " v" + std::to_string(d.version) + " (" + file.string() + ")";
    std::shared_ptr<const CatalogEntry> running = catalog_->Find(d.name, d.version);
    if (running) {
      if (running->hash != hash) report.errors.push_back(VersionNotBumped(d, running->hash).message());
      continue;
    }
    if (archive_) {
      Status archived = archive_->Archive(d, hash);
      if (!archived.ok()) {
        report.errors.push_back(archived.message());
        continue;
      }
    }
    Status added = catalog_->Add(std::move(d));
    if (!added.ok()) {
      report.errors.push_back(added.message());
      continue;
    }
    report.loaded.push_back(what);
  }
}

void DefinitionDirectory::Watch(int interval_ms) {
  StopWatching();
  {
    std::lock_guard lock(watch_mu_);
    stop_watching_ = false;
  }
  watcher_ = std::thread([this, interval_ms] {
    std::unique_lock lock(watch_mu_);
    while (!watch_cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [&] { return stop_watching_; })) {
      lock.unlock();
      ScanReport report = Scan();
      for (const std::string& loaded : report.loaded) spdlog::info("definitions: loaded {}", loaded);
      for (const std::string& error : report.errors) spdlog::error("definitions: {}", error);
      lock.lock();
    }
  });
}

void DefinitionDirectory::StopWatching() {
  {
    std::lock_guard lock(watch_mu_);
    stop_watching_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace sagad::coordinator
