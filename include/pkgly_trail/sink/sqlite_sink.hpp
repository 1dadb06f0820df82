#pragma once
// `join --sqlite FILE`: the joined audit events, their access records and related records as
// rows of a SQLite database (docs/output-contracts.md "SQLite database" documents the tables as a
// contract), so an investigator can ask SQL questions. Re-running into the same file adds only new
// events.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pkgly_trail/correlate/joined_event.hpp"

namespace pkgly_trail {

// `PRAGMA user_version` of the databases this build writes; a file with another one is refused.
inline constexpr int kSqliteSchemaVersion = 1;
// `PRAGMA application_id` ("pktr"): tells a pkgly-trail database from any other SQLite file.
inline constexpr std::int32_t kSqliteApplicationId = 0x706b7472;

// The DDL of schema version kSqliteSchemaVersion: tables, indexes, and a comment per column.
std::string_view sqlite_schema_sql() noexcept;

// The database cannot be opened, is not a pkgly-trail database, has another schema version, or
// a write failed (disk full, read-only file). The message names the file and SQLite's error.
class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SqliteSinkOptions {
  // A transaction is committed after this many audit events, when it is older than
  // `max_batch_ms` at the next event, on on_idle() (the input is idle) and on finish().
  std::uint32_t batch_events = 1000;
  std::uint32_t max_batch_ms = 1000;
};

class SqliteEventSink : public JoinedEventSink {
 public:
  // Audit events inserted, and those whose event_key was already in the database (skipped).
  virtual std::uint64_t written() const noexcept = 0;
  virtual std::uint64_t already_there() const noexcept = 0;
};

// Opens FILE (created with the schema when missing or empty). on_event(), on_idle() and finish()
// throw SqliteError when SQLite fails; the transaction in progress is then rolled back.
std::unique_ptr<SqliteEventSink> open_sqlite_sink(const std::string& path,
                                                  SqliteSinkOptions options = {});

}  // namespace pkgly_trail
