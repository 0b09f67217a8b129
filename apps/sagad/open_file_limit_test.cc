#include "apps/sagad/open_file_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace sagad::app {
namespace {

rlimit OpenFiles() {
  rlimit files{};
  EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
  return files;
}

TEST(OpenFileLimit, RaisesTheSoftLimitToTheHardOne) {
  std::size_t limit = RaiseOpenFileLimit();
  rlimit files = OpenFiles();
  EXPECT_EQ(files.rlim_cur, files.rlim_max);
  if (files.rlim_max != RLIM_INFINITY) EXPECT_EQ(limit, static_cast<std::size_t>(files.rlim_max));
}

TEST(OpenFileLimit, KeepsACapThatFits) { EXPECT_EQ(FitConnectionCapToOpenFiles(8), 8u); }

TEST(OpenFileLimit, LowersACapThatDoesNotFit) {
  rlimit files = OpenFiles();
  if (files.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no open-file limit to fit in";
  std::size_t cap = FitConnectionCapToOpenFiles(static_cast<std::size_t>(files.rlim_max) + 1);
  EXPECT_LE(cap + kFilesKeptForTheRest, static_cast<std::size_t>(OpenFiles().rlim_cur));
  EXPECT_GE(cap, 1u);
}

}  // namespace
}  // namespace sagad::app
