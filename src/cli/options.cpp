#include "cli/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>

#include "cli/command_line.hpp"
#include "cli/report_error.hpp"
#include "cli/usage_error.hpp"

namespace pkgly_trail::cli {

namespace {

// What CLI11 cannot check alone. Returns an error message, or "".
std::string check_report_options(const Options& o) {
  const bool delimited =
      o.report_format == ReportFormat::Csv || o.report_format == ReportFormat::Tsv;
  if (!o.report_out_dir.empty() && !delimited)
    return "--out-dir writes csv or tsv files: add -o csv (or -o tsv)";
  for (std::size_t i = 0; i < o.report.by.size(); ++i) {
    const std::string& field = o.report.by[i];
    if (field.empty()) return "--by: empty field name (expected e.g. --by action,outcome)";
    if (field == "count") return "--by count: `count` is the name of the count column";
    for (std::size_t j = 0; j < i; ++j)
      if (o.report.by[j] == field) return "--by: field '" + field + "' is named twice";
  }
  return {};
}

// join --sqlite writes every column to the database and nothing to stdout, so an output format
// or a choice of columns would be silently ignored: say so instead.
std::string check_sqlite_options(const CLI::App& join, const Options& o) {
  if (join.count("--sqlite") == 0) return {};
  if (o.sqlite.empty()) return "--sqlite needs a file name";
  if (join.count("--output") > 0)
    return "--sqlite writes the events to the database instead of stdout: drop -o (or run join "
           "twice)";
  if (join.count("--fields") > 0)
    return "--sqlite writes every column to the database: drop --fields";
  return {};
}

// join --postgres, hunt --postgres: the same, and one store per run.
std::string check_postgres_options(const CLI::App& command) {
  if (command.count("--postgres") == 0) {
    if (command.count("--source-label") > 0)
      return "--source-label labels the rows of --postgres: add --postgres CONNINFO";
    return {};
  }
  if (command.get_option_no_throw("--sqlite") != nullptr && command.count("--sqlite") > 0)
    return "--postgres and --sqlite: one store per run (run join twice, or copy with SQL)";
  if (command.count("--output") > 0)
    return "--postgres writes to the database instead of stdout: drop -o (or run twice)";
  if (command.count("--fields") > 0)
    return "--postgres writes every column to the database: drop --fields";
  return {};
}

// report --postgres reads the store, not logs.
std::string check_report_store(const Options& o) {
  if (o.postgres.empty()) return {};
  if (!o.inputs.empty() || o.follow || !o.follow_dir.empty() || o.merge)
    return "report --postgres reads the events from the store: give no log file (nor -f, "
           "--follow-dir, --merge)";
  if (!o.service.empty())
    return "report --postgres: the store does not keep the compose service of a line; choose "
           "by source with SQL, or report from the logs";
  return {};
}

}  // namespace

std::string parse_window(std::string_view text, JoinWindow& window) {
  // Beyond these the comparisons of the join (records as an unsigned count, seconds as
  // microseconds of log time in 64 bits) would overflow.
  constexpr double kMaxRecords = 9007199254740992.0;  // 2^53: every count below is exact
  constexpr double kMaxSeconds = 9.2e12;              // about 292,000 years
  const std::string_view whole = text;
  auto invalid = [whole](std::string_view why) {
    return fmt::format(
        "invalid --window '{}': {}; expected records and/or a time, e.g. 20000, "
        "120s, 5m or 20000,120s",
        whole, why);
  };
  bool any = false;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    double number = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), number);
    if (ec == std::errc::result_out_of_range)
      return invalid(fmt::format("'{}' is out of range", part));
    if (ec != std::errc()) return invalid(fmt::format("'{}' is not a number", part));
    if (!std::isfinite(number)) return invalid(fmt::format("'{}' is not a finite number", part));
    if (number < 0) return invalid(fmt::format("'{}' is negative", part));
    std::string_view unit(end, static_cast<std::size_t>(part.data() + part.size() - end));
    if (unit.empty()) {
      if (number > kMaxRecords)
        return invalid(
            fmt::format("{} records is out of range (at most 2^53 = {:.0f})", part, kMaxRecords));
      if (number != std::floor(number))
        return invalid(fmt::format("'{}' records is not a whole number", part));
      window.records = static_cast<std::uint64_t>(number);
      any = true;
      continue;
    }
    double scale = 0;
    if (unit == "s") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "h") {
      scale = 3600;
    } else {
      return invalid(fmt::format("unknown unit '{}' (s, m or h)", unit));
    }
    if (number * scale > kMaxSeconds)
      return invalid(fmt::format("{} is out of range (at most {:.0f}s)", part, kMaxSeconds));
    window.seconds = number * scale;
    any = true;
  }
  return any ? std::string() : invalid("empty");
}

std::string parse_size(std::string_view text, std::size_t& bytes) {
  const std::string_view whole = text;
  auto invalid = [whole](std::string_view why) {
    return fmt::format("invalid --max-memory '{}': {}; expected e.g. 512K, 96M, 2G", whole, why);
  };
  std::size_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  int shift = -1;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KiB") {
    shift = 10;
  } else if (unit == "M" || unit == "MiB") {
    shift = 20;
  } else if (unit == "G" || unit == "GiB") {
    shift = 30;
  }
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  const bool too_large =
      ec == std::errc::result_out_of_range || (shift > 0 && number > (kMax >> shift));
  if (too_large && shift >= 0)
    return invalid(fmt::format("out of range, the limit is {} bytes ({}G)", kMax, kMax >> 30));
  if (ec != std::errc() || end == text.data()) return invalid("not a number");
  if (shift < 0) return invalid(fmt::format("unknown unit '{}'", unit));
  bytes = number << shift;
  return {};
}

std::optional<int> parse_options(int argc, char** argv, Options& options) {
  CommandLine command_line(options);
  CLI::App& app = command_line.app();
  const OptionText& text = command_line.text();
  const std::string& window = text.window;
  const std::string& memory = text.memory;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
      print_usage_error(app, e, argc, argv);
      return 2;
    }
    errno = 0;  // what a failed write of the help text leaves is the error to report
    app.exit(e);
    // --help and --version: their text must have reached stdout (a full disk is trouble; a
    // reader that went away, as with `| head`, is not).
    std::cout.flush();
    const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout;
    const int error = errno != 0 ? errno : EIO;
    if (failed && error != EPIPE) {
      report_error(fmt::format("cannot write to stdout: {}", std::strerror(error)));
      return 2;
    }
    return 0;
  }
  if (!text.outcome.empty()) options.filter.outcome = text.outcome;
  if (!text.since.empty()) options.filter.since = text.since;
  if (!text.until.empty()) options.filter.until = text.until;
  if (!text.around.empty()) options.filter.around = text.around;
  if (!text.context.empty()) options.filter.context = text.context;
  if (!text.level.empty()) options.filter.min_level = parse_level(text.level);
  if (!window.empty()) {
    if (std::string error = parse_window(window, options.join.window); !error.empty()) {
      report_error(error);
      return 2;
    }
  }
  if (!memory.empty()) {
    if (std::string error = parse_size(memory, options.join.max_memory); !error.empty()) {
      report_error(error);
      return 2;
    }
  }
  if (options.output == OutputFormat::Ecs &&
      (command_line.command("records").parsed() || command_line.command("trace").parsed())) {
    report_error(
        "-o ecs writes audit events as ECS documents: use `pkgly-trail audit -o ecs` or "
        "`pkgly-trail join -o ecs`; records and trace write text, json, csv or tsv");
    return 2;
  }
  if (command_line.command("completions").parsed()) {
    options.command = Command::Completions;
  } else if (command_line.command("man").parsed()) {
    options.command = Command::Man;
  } else if (command_line.command("audit").parsed()) {
    options.command = Command::Audit;
    options.filter.audit_only = true;
  } else if (command_line.command("join").parsed()) {
    options.command = Command::Join;
    options.filter.audit_only = true;
    for (const std::string& error : {check_sqlite_options(command_line.command("join"), options),
                                     check_postgres_options(command_line.command("join"))}) {
      if (error.empty()) continue;
      report_error(error);
      return 2;
    }
  } else if (command_line.command("report").parsed()) {
    options.command = Command::Report;
    options.filter.audit_only = true;
    options.report_hunt = options.report_hunt || !options.rules.empty();
    std::string error = check_report_options(options);
    if (error.empty()) error = check_report_store(options);
    if (!error.empty()) {
      report_error(error);
      return 2;
    }
  } else if (command_line.command("hunt").parsed()) {
    options.command = Command::Hunt;
    options.filter.audit_only = true;
    if (std::string error = check_postgres_options(command_line.command("hunt")); !error.empty()) {
      report_error(error);
      return 2;
    }
    if (!options.fields.empty()) {
      report_error(
          "hunt writes alerts, whose columns are fixed (docs/hunt.md); --fields chooses the "
          "columns of audit, join and records");
      return 2;
    }
  } else if (command_line.command("db").parsed()) {
    options.command = Command::Db;
    const bool before = command_line.command("db").count("--before") > 0;
    if (options.db_action == DbAction::Prune && !before) {
      report_error("db prune needs --before TIME: the events before it are removed");
      return 2;
    }
    if (options.db_action == DbAction::Migrate && before) {
      report_error("--before is for db prune; db migrate removes nothing");
      return 2;
    }
  } else if (command_line.command("trace").parsed()) {
    options.command = Command::Trace;
    if (options.trace_id.size() < 8) {
      report_error(
          fmt::format("trace needs at least 8 characters of an id, got '{}'", options.trace_id));
      return 2;
    }
  } else {
    options.command = Command::Records;
  }
  if (!options.follow_dir.empty()) {
    if (!options.inputs.empty()) {
      report_error(
          "--follow-dir follows the files of a directory; give no FILE with it (or follow the "
          "files with -f FILE...)");
      return 2;
    }
    options.follow = true;
  } else if (options.follow &&
             (options.inputs.empty() || std::find(options.inputs.begin(), options.inputs.end(),
                                                  "-") != options.inputs.end())) {
    report_error(
        "--follow follows files by name; for a stream, pipe it in without -f (docker compose "
        "logs -f pkgly | pkgly-trail join)");
    return 2;
  }
  if (options.follow && options.merge) {
    // Followed, a quiet file may still write a record older than those already handed on.
    report_error(
        "--merge cannot be combined with --follow or --follow-dir: a merge must know that no "
        "input will write an earlier record; merge the files without following, or follow them "
        "without --merge");
    return 2;
  }
  return std::nullopt;
}

}  // namespace pkgly_trail::cli
