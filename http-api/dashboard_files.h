// The dashboard's static files (http-api/dashboard/), compiled into the
// binary: CMake runs dashboard/embed.cmake at build time to generate the
// definition of DashboardFiles(), so sagad serves them with no files beside
// it and no build step at run time.
#pragma once

#include <span>
#include <string_view>

namespace sagad::http {

struct DashboardFile {
  std::string_view name;  // "index.html", "app.js": flat, no folders
  std::string_view body;
};

std::span<const DashboardFile> DashboardFiles();

}  // namespace sagad::http
