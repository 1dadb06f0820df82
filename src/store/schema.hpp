#pragma once
// The store's schema: its DDL, what a database holds, and the months it has partitions for.
#include <cstdint>
#include <string_view>

#include "connection.hpp"

namespace pkgly_trail::store {

std::string_view schema_v1_sql() noexcept;

// Taken (pg_advisory_xact_lock) to create, migrate or prune the schema: one at a time.
inline constexpr std::string_view kSchemaLockSql = "SELECT pg_advisory_xact_lock(1886090354, 1)";

// What the database holds where the store's tables go.
struct SchemaState {
  bool present = false;  // a schema named pkgly_trail exists
  bool ours = false;     // it has pkgly-trail's version table
  int version = 0;       // the version that table holds
};
SchemaState read_schema_state(Connection& connection);

// Refuses a server the store cannot use: older than PostgreSQL 15 (UNIQUE NULLS NOT DISTINCT),
// or a database whose encoding is not UTF8 (log text is UTF-8).
void check_server(Connection& connection);

// For writers and readers: creates the schema in a database without one (writers only), and
// refuses one of another version or not pkgly-trail's (PostgresError, not transient).
void check_schema(Connection& connection, bool create_if_absent);

// The first day (UTC) of the month holding `time_us`, as days since 1970-01-01, and whether the
// store makes a partition for it: months from 2000 to the one after the current one. Others
// go to the *_other partitions, so a forged date cannot make thousands of tables.
std::int64_t month_of(std::int64_t time_us) noexcept;
bool month_gets_partition(std::int64_t month_day, std::int64_t now_us) noexcept;
// Makes the partitions of that month (pkgly_trail.add_month) in a transaction of its own.
void add_month(Connection& connection, std::int64_t month_day);

}  // namespace pkgly_trail::store
