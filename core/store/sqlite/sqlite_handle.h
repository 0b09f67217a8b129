// Thin RAII wrappers over the SQLite C API, so the store reads as SQL and
// not as cleanup code.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sagad::sqlite {

// Maps an SQLite result code to our codes: a damaged file is Corruption,
// a full disk or I/O error Unavailable, anything else Internal.
Status ToStatus(int rc, sqlite3* db, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  Status Prepare(sqlite3* db, std::string_view sql);
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindNull(int index);
  // SQLITE_ROW -> true, SQLITE_DONE -> false (and resets), else an error.
  Result<bool> Step();
  Status Run();  // steps once, expects no row
  void Reset();

  sqlite3* db() const { return db_; }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string_view Text(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL with no results (pragmas, DDL, BEGIN/COMMIT).
Status Exec(sqlite3* db, std::string_view sql);

}  // namespace sagad::sqlite
