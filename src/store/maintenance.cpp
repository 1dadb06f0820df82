// `pkgly-trail db migrate` and `pkgly-trail db prune`: the store's schema and retention, run
// by hand or by a timer, never by the writers.
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <vector>

#include "connection.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/store/postgres.hpp"
#include "schema.hpp"

namespace pkgly_trail {

namespace {

using store::Connection;

// Runs `body` in a transaction holding the schema lock; rolls back when it throws.
template <typename Body>
void in_schema_transaction(Connection& connection, std::string_view doing, Body body) {
  connection.exec("BEGIN", doing);
  try {
    connection.exec(std::string(store::kSchemaLockSql), doing);
    body();
    connection.exec("COMMIT", doing);
  } catch (...) {
    store::Result(PQexec(connection.get(), "ROLLBACK"));
    throw;
  }
}

// The month partitions of events: (first day as days since 1970, partition suffix YYYY_MM).
std::vector<std::pair<std::int64_t, std::string>> month_partitions(Connection& connection) {
  store::Result result = connection.exec(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'pkgly_trail.events'::regclass ORDER BY 1",
      "cannot list the months of");
  std::vector<std::pair<std::int64_t, std::string>> months;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    const std::string_view name = PQgetvalue(result.get(), row, 0);
    // events_2025_11; events_other and anything else is not a month.
    if (name.size() != 14 || !name.starts_with("events_") || name[11] != '_') continue;
    int year = 0;
    unsigned month = 0;
    if (std::from_chars(name.data() + 7, name.data() + 11, year).ec != std::errc() ||
        std::from_chars(name.data() + 12, name.data() + 14, month).ec != std::errc())
      continue;
    const std::chrono::year_month_day first{std::chrono::year{year}, std::chrono::month{month},
                                            std::chrono::day{1}};
    if (!first.ok()) continue;
    months.emplace_back(std::chrono::sys_days{first}.time_since_epoch().count(),
                        std::string(name.substr(7)));
  }
  return months;
}

}  // namespace

MigrateResult migrate_postgres(const std::string& conninfo) {
  Connection connection(conninfo, false);
  store::check_server(connection);
  MigrateResult result;
  result.where = connection.where();
  in_schema_transaction(connection, "cannot migrate the store in", [&] {
    const store::SchemaState state = store::read_schema_state(connection);
    result.from_version = state.version;
    if (state.present && !state.ours)
      throw PostgresError(fmt::format("cannot migrate PostgreSQL at {}: its schema {} was not "
                                      "made by pkgly-trail; nothing was changed",
                                      connection.where(), kPostgresSchema),
                          false);
    if (state.version > kPostgresSchemaVersion)
      throw PostgresError(fmt::format("cannot migrate PostgreSQL at {}: its store is schema "
                                      "version {}, newer than this pkgly-trail's {}; upgrade "
                                      "pkgly-trail",
                                      connection.where(), state.version, kPostgresSchemaVersion),
                          false);
    // Each later version adds its step here: `if (version == 1) { ...; version = 2; }`.
    if (!state.present) {
      connection.exec(std::string(store::schema_v1_sql()), "cannot create the store in");
      return;
    }
    if (state.version < 1)
      throw PostgresError(fmt::format("cannot migrate PostgreSQL at {}: its store says schema "
                                      "version {}, which no pkgly-trail wrote",
                                      connection.where(), state.version),
                          false);
  });
  return result;
}

PruneResult prune_postgres(const std::string& conninfo, std::int64_t before_us) {
  Connection connection(conninfo, false);
  store::check_server(connection);
  store::check_schema(connection, false);
  PruneResult result;
  result.where = connection.where();
  const std::string before = utc_time_text(before_us);
  in_schema_transaction(connection, "cannot prune the store in", [&] {
    for (const auto& [first_day, suffix] : month_partitions(connection)) {
      const std::chrono::sys_days next = std::chrono::sys_days{
          std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{first_day}}} +
          std::chrono::months{1}};
      const std::int64_t end_us =
          next.time_since_epoch().count() * kSecondsPerDay * kMicrosPerSecond;
      if (end_us > before_us) continue;
      const std::string count =
          connection.scalar(fmt::format("SELECT count(*) FROM pkgly_trail.events_{}", suffix), {},
                            "cannot prune the store in");
      result.events_removed += std::stoull(count);
      connection.exec(fmt::format("DROP TABLE pkgly_trail.related_{0}, pkgly_trail.access_{0}, "
                                  "pkgly_trail.events_{0}",
                                  suffix),
                      "cannot prune the store in");
      ++result.months_dropped;
    }
    // The rest: the month `before` falls in, and the *_other partitions.
    const std::string removed = connection.scalar(
        "WITH gone AS (DELETE FROM pkgly_trail.events WHERE time < $1::timestamptz RETURNING 1) "
        "SELECT count(*) FROM gone",
        {before}, "cannot prune the store in");
    result.events_removed += std::stoull(removed);
    connection.exec("DELETE FROM pkgly_trail.access WHERE event_time < $1::timestamptz", {before},
                    "cannot prune the store in");
    connection.exec("DELETE FROM pkgly_trail.related WHERE event_time < $1::timestamptz", {before},
                    "cannot prune the store in");
    // Alerts go with the last event they counted.
    result.alerts_removed = std::stoull(connection.scalar(
        "WITH gone AS (DELETE FROM pkgly_trail.alerts WHERE last_time < $1::timestamptz "
        "RETURNING 1) SELECT count(*) FROM gone",
        {before}, "cannot prune the store in"));
  });
  return result;
}

}  // namespace pkgly_trail
