#pragma once
// Owning handles of SQLite objects, for the stages that keep a database: `join --sqlite`
// (sqlite_sink.cpp) and `hunt --state` (hunt/hunt_state.cpp).
#include <sqlite3.h>

#include <memory>

namespace pkgly_trail {

struct CloseSqliteDatabase {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct FinalizeSqliteStatement {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using SqliteDatabase = std::unique_ptr<sqlite3, CloseSqliteDatabase>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, FinalizeSqliteStatement>;

}  // namespace pkgly_trail
