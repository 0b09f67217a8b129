// A full disk, on demand, for tests of the SQLite store and of sagad on it:
// an SQLite VFS that is the default one, except that while the test says
// the disk is full every write answers SQLITE_FULL, as a real one does.
// Open a store on it with `sqlite:PATH?vfs=<FullDiskVfs::kName>`.
//
//   FullDisk::Install();
//   FullDisk::SetFull(true);   // appends now fail: nothing is written
//   FullDisk::SetFull(false);  // space came back
#pragma once

namespace sagad::testing {

class FullDisk {
 public:
  static constexpr char kName[] = "sagad-full-disk";
  // Registers the VFS (not as the default); idempotent.
  static void Install();
  static void SetFull(bool full);
  static bool full();
};

}  // namespace sagad::testing
