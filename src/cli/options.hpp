#pragma once
// What the command line asked for, once parsed. Only src/cli sees this.
#include <optional>
#include <string>
#include <vector>

#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/hunt/rule.hpp"
#include "pkgly_trail/report/render.hpp"
#include "pkgly_trail/report/report.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::cli {

enum class Command { Records, Audit, Join, Trace, Report, Hunt, Db, Completions, Man };
enum class DbAction { Migrate, Prune };
enum class ColorMode { Auto, Always, Never };

struct Options {
  Command command = Command::Audit;
  std::vector<std::string> inputs;  // empty = stdin
  FilterOptions filter;
  OutputFormat output = OutputFormat::Text;
  std::vector<std::string> fields;
  ColorMode color = ColorMode::Auto;
  bool stats = false;
  bool raw_csv = false;
  bool strict = false;
  std::string service;
  std::size_t max_line_bytes = 64 * 1024 * 1024;
  bool follow = false;        // -f: keep reading the files as they grow and rotate
  std::string follow_dir;     // --follow-dir DIR: follow the rolling log files in DIR
  std::string follow_prefix;  // --prefix NAME: of the files --follow-dir follows
  bool merge = false;         // --merge: one stream of the inputs' records in timestamp order
  // People at a terminal (see terminal.hpp for how `auto` is settled).
  TimeDisplay time = TimeDisplay::AsLogged;  // --utc / --local: times in text output
  bool wide = false;                         // --wide: never cut text lines to the terminal
  bool no_pager = false;                     // --no-pager
  bool progress = false;         // --progress: force the progress line on (settled: show it)
  bool no_progress = false;      // --no-progress: force it off
  std::size_t text_width = 0;    // settled at start: terminal columns for text, 0 = do not cut
  bool stdout_terminal = false;  // settled at start: stdout is a terminal (a pager runs on one)
  JoinLimits join;               // join, trace
  // join --related-level as given; unset: everything, or at a terminal (text) info and above.
  std::optional<Level> related_level;
  std::string sqlite;  // join --sqlite FILE: write the events to this database, not stdout
  // join --postgres: write the events to this store; report --postgres: read them from it;
  // db: the store to migrate or prune (a libpq connection string or URI).
  std::string postgres;
  std::string source_label;  // join --source-label (default: the host name)
  DbAction db_action = DbAction::Migrate;
  std::string prune_before;  // db prune --before DATE
  std::string trace_id;      // trace: the id or prefix asked for
  ReportOptions report;      // report
  ReportFormat report_format = ReportFormat::Text;
  std::string report_out_dir;  // report -o csv --out-dir: one file per section
  std::string shell;           // completions: bash, zsh or fish
  // hunt: rule files and directories (empty: the shipped rules), the state file, and
  // --list-rules (print the rules loaded, read no log)
  std::vector<std::string> rules;
  std::string hunt_state;
  bool list_rules = false;
  hunt::RuleLevel min_level = hunt::RuleLevel::Informational;  // --min-level
  bool report_hunt = false;  // report --hunt (or --rules): add the alerts section
};

// --window: "20000" (records), "120s"/"5m"/"1h" (log time), or both "20000,120s".
// Returns an error message naming the value and the limit, or "" when `window` was set.
std::string parse_window(std::string_view text, JoinWindow& window);
// --max-memory: bytes with an optional K, M or G suffix (powers of 1024).
// Returns an error message (an unknown unit, a size past the limit), or "" when `bytes` was set.
std::string parse_size(std::string_view text, std::size_t& bytes);

// Parses argv. Returns the exit code to use when the program should stop now (--help, a usage
// error), or nullopt to go on.
std::optional<int> parse_options(int argc, char** argv, Options& options);

}  // namespace pkgly_trail::cli
