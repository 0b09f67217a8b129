// The EventStore conformance suite: the contract of core/store/event_store.h
// as tests, run against every backend.
//
// A backend instantiates it in its own test file with one or more factories:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, EventStoreConformance,
//       ::testing::Values(StoreFactory{"SynchronousFull", OpenInDir, /*durable=*/true}),
//       StoreFactoryName);
//
// Pass StoreFactoryName as the name generator: besides naming the tests after
// the factory, referencing it is what makes the linker keep the suite's
// object file (and so its tests) out of the static library.
//
// Each test gets a fresh empty directory and a store opened in it. Durable
// backends are also reopened (closed, then opened on the same directory) to
// check that what was acknowledged is still there.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "core/store/event_store.h"

namespace sagad {

// Readable gtest output for the store's types ("kConflict" rather than 2,
// "Order/o-1" rather than a byte dump).
void PrintTo(AppendOutcome outcome, std::ostream* os);
void PrintTo(StatusCode code, std::ostream* os);
void PrintTo(const StreamId& stream, std::ostream* os);

}  // namespace sagad

namespace sagad::store_testing {

// A fresh directory under the system temp dir, removed with its contents
// when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// How the suite gets a store of one backend.
struct StoreFactory {
  // Suffix of the test names: letters, digits and '_' only.
  std::string name;
  // Opens (creating if needed) a store whose files live in `dir`. Called again
  // on the same dir to reopen a durable store, after the previous one is gone.
  std::function<Result<std::unique_ptr<EventStore>>(const std::string& dir)> open;
  // The store survives being closed and reopened on the same dir.
  bool durable = false;
};

// Name generator for INSTANTIATE_TEST_SUITE_P (see the file comment).
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);
void PrintTo(const StoreFactory& factory, std::ostream* os);

class EventStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  EventStore& store() { return *store_; }
  bool durable() const { return GetParam().durable; }

  // Durable backends only: closes the store and opens the same directory.
  void Reopen();

  // Runs `check`, then, for a durable backend, reopens the store and runs it
  // again: what was true before a restart must be true after it.
  void CheckNowAndAfterReopen(const std::function<void()>& check);

 private:
  void Open();

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace sagad::store_testing
