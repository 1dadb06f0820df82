#pragma once
// report stage: what `pkgly-trail report` computed from the joined audit events, as tables
// that every renderer (text, csv, json, markdown, html) writes the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

inline constexpr std::string_view kReportGeneratedBy = "pkgly-trail 0.1.0";

// Width of a row of the `timeline` section.
enum class Bucket { Auto, Hour, Day };

// What reading the log left in doubt (the parse stage's counts): in the totals, so that a report
// read on its own, without the run's warnings, says where the log may not be what Pkgly wrote.
// Unknown (null in the totals) for a report over a store, which keeps events, not lines.
struct InputDoubts {
  std::optional<std::uint64_t> unparsed_lines;      // looked like records, could not be parsed
  std::optional<std::uint64_t> audit_marker_lines;  // carry the audit marker, not events
  std::optional<std::uint64_t> suspect_records;     // records of any kind marked suspect
};

struct ReportOptions {
  // Groups kept per table (and rows of the sensitive list). Past it, events of new groups are
  // counted as omitted and the table is marked truncated: memory follows the groups, not the
  // events.
  std::size_t max_groups = 10000;
  Bucket bucket = Bucket::Auto;  // Auto: 1h when the events span 3 days or less, else 1d
  std::vector<std::string> by;   // --by: one ad-hoc group-by table instead of the sections
  std::size_t top = 0;           // rows of each ranked table; 0 = all
};

// One cell. String cells hold text from the log (escaped by each renderer, formula-guarded in
// CSV); Integer cells are counts; Null is an unknown value ("-" in text, empty in CSV, null in
// JSON).
struct Cell {
  ValueKind kind = ValueKind::Null;
  std::string text;

  static Cell string(std::string_view s) { return {ValueKind::String, std::string(s)}; }
  static Cell count(std::uint64_t n) { return {ValueKind::Integer, std::to_string(n)}; }
  static Cell null() { return {}; }
  bool is_null() const noexcept { return kind == ValueKind::Null; }
  Value value() const noexcept { return Value{kind, text}; }
  friend bool operator==(const Cell&, const Cell&) = default;
};

struct ReportTable {
  std::string name;   // machine name: actions, actors, denied, ... (CSV `section`, file name)
  std::string title;  // for people: "Actions by outcome"
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  bool truncated = false;            // the --max-groups cap was reached
  std::uint64_t omitted_events = 0;  // events of groups that did not fit
  std::size_t omitted_rows = 0;      // rows left out by --top
};

// One input the report read, as stored (a gzip file's compressed bytes). From a store: one
// source (its label and the input its writer named), bytes and sha256 unknown.
struct ReportInput {
  std::string name;  // as given; "-" is standard input
  std::optional<std::uint64_t> bytes;
  std::string sha256;  // of those bytes, hex, as sha256sum prints it
};

// What the report covers and how to make it again: an auditor reads it before any count.
struct ReportScope {
  // The period asked (--since/--until, or --around), microseconds since the epoch; `until` is
  // exclusive. Absent: the period is open on that side (the events read decide).
  std::optional<std::int64_t> since_us;
  std::optional<std::int64_t> until_us;
  std::vector<ReportInput> inputs;   // in the order read
  std::string store;                 // report --postgres: host:port/dbname; empty: logs
  std::vector<std::string> filters;  // the options that chose the events, as typed
  std::int64_t generated_us = 0;     // SOURCE_DATE_EPOCH when set, else the clock
};

struct Report {
  ReportScope scope;
  // Two columns, metric and value: events, success, denied, distinct_actors, ...
  ReportTable totals;
  std::vector<ReportTable> sections;
  bool group_by = false;         // --by: `sections` holds the single `by` table
  std::size_t max_groups = 0;    // the cap the tables were built with
  Bucket bucket = Bucket::Hour;  // what the timeline used
  // For the html chart "denied by client address": address (Null when unknown) and count,
  // count descending.
  std::vector<std::pair<Cell, std::uint64_t>> denied_by_address;

  const ReportTable* section(std::string_view name) const noexcept;
  // The scope as tables every renderer writes like the others: `scope` (item, value:
  // period_since, period_until, filters, generated_at, generated_by, time_zone) and `inputs`
  // (name, bytes, sha256).
  ReportTable scope_table() const;
  ReportTable inputs_table() const;
  // "first" and "last" of the totals, Null when no event had a timestamp.
  const Cell& total(std::string_view metric) const noexcept;
};

// Changes an auditor reads one by one: every action naming a delete or a permission, and the
// creates, updates, revokes... (the last word of the name) of users, tokens, security settings,
// repositories and storages. Reads (user.list, auth.me, package.download) are not.
bool is_sensitive_action(std::string_view action) noexcept;

}  // namespace pkgly_trail
