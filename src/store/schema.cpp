#include "schema.hpp"

#include <fmt/format.h>

#include <chrono>

#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail::store {

namespace {

constexpr std::int64_t kMicrosPerDay = kMicrosPerSecond * kSecondsPerDay;

std::chrono::year_month_day civil(std::int64_t day) noexcept {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}

}  // namespace

SchemaState read_schema_state(Connection& connection) {
  SchemaState state;
  state.present = !connection
                       .scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {kPostgresSchema},
                               "cannot read the schema of")
                       .empty();
  if (!state.present) return state;
  const std::string has_version =
      connection.scalar("SELECT to_regclass('pkgly_trail.schema_version') IS NOT NULL", {},
                        "cannot read the schema of");
  if (has_version != "t") return state;
  state.ours = true;
  const std::string version = connection.scalar(
      "SELECT max(version) FROM pkgly_trail.schema_version", {}, "cannot read the schema of");
  state.version = version.empty() ? 0 : std::stoi(version);
  return state;
}

void check_server(Connection& connection) {
  const std::string version =
      connection.scalar("SHOW server_version_num", {}, "cannot read the version of");
  if (version.empty() || std::stoi(version) < 150000)
    throw PostgresError(fmt::format("cannot use PostgreSQL at {}: it is version {}, and the store "
                                    "needs PostgreSQL 15 or newer",
                                    connection.where(), version),
                        false);
  const std::string encoding =
      connection.scalar("SHOW server_encoding", {}, "cannot read the encoding of");
  if (encoding != "UTF8")
    throw PostgresError(fmt::format("cannot use PostgreSQL at {}: its database encoding is {}, "
                                    "and log text needs UTF8 (CREATE DATABASE ... ENCODING "
                                    "'UTF8')",
                                    connection.where(), encoding),
                        false);
}

void check_schema(Connection& connection, bool create_if_absent) {
  SchemaState state = read_schema_state(connection);
  if (!state.present && create_if_absent) {
    // Two writers starting on a new database: the lock makes the second find the first's.
    connection.exec("BEGIN", "cannot create the schema in");
    try {
      connection.exec(std::string(kSchemaLockSql), "cannot create the schema in");
      state = read_schema_state(connection);
      if (!state.present) {
        connection.exec(std::string(schema_v1_sql()), "cannot create the schema in");
        state = {true, true, kPostgresSchemaVersion};
      }
      connection.exec("COMMIT", "cannot create the schema in");
    } catch (...) {
      Result(PQexec(connection.get(), "ROLLBACK"));
      throw;
    }
  }
  if (!state.present)
    throw PostgresError(fmt::format("PostgreSQL at {} has no pkgly-trail store (schema {}); "
                                    "create it with: pkgly-trail db migrate CONNINFO",
                                    connection.where(), kPostgresSchema),
                        false);
  if (!state.ours)
    throw PostgresError(
        fmt::format("cannot use PostgreSQL at {}: its schema {} was not made by pkgly-trail (it "
                    "has no pkgly_trail.schema_version); nothing was written",
                    connection.where(), kPostgresSchema),
        false);
  if (state.version < kPostgresSchemaVersion)
    throw PostgresError(
        fmt::format("cannot use PostgreSQL at {}: its pkgly-trail store is schema version {}, "
                    "this pkgly-trail writes version {}; upgrade it with: pkgly-trail db "
                    "migrate CONNINFO",
                    connection.where(), state.version, kPostgresSchemaVersion),
        false);
  if (state.version > kPostgresSchemaVersion)
    throw PostgresError(
        fmt::format("cannot use PostgreSQL at {}: its pkgly-trail store is schema version {}, "
                    "newer than this pkgly-trail's {}; upgrade pkgly-trail",
                    connection.where(), state.version, kPostgresSchemaVersion),
        false);
}

std::int64_t month_of(std::int64_t time_us) noexcept {
  // Floor division: a time before 1970 is in the month before, not after.
  std::int64_t day = time_us / kMicrosPerDay;
  if (time_us % kMicrosPerDay < 0) --day;
  const std::chrono::year_month_day date = civil(day);
  return std::chrono::sys_days{date.year() / date.month() / 1}.time_since_epoch().count();
}

bool month_gets_partition(std::int64_t month_day, std::int64_t now_us) noexcept {
  const std::chrono::year_month_day month = civil(month_day);
  const std::chrono::year_month_day now = civil(month_of(now_us));
  const auto next = now.year() / now.month() / 1 + std::chrono::months{1};
  return month.year() >= std::chrono::year{2000} &&
         std::chrono::sys_days{month} <= std::chrono::sys_days{next};
}

void add_month(Connection& connection, std::int64_t month_day) {
  const std::chrono::year_month_day date = civil(month_day);
  const std::string day = fmt::format("{:04}-{:02}-01", static_cast<int>(date.year()),
                                      static_cast<unsigned>(date.month()));
  connection.exec("BEGIN", "cannot add a month to");
  try {
    connection.exec("SELECT pkgly_trail.add_month($1::date)", {day}, "cannot add a month to");
    connection.exec("COMMIT", "cannot add a month to");
  } catch (...) {
    Result(PQexec(connection.get(), "ROLLBACK"));
    throw;
  }
}

}  // namespace pkgly_trail::store
