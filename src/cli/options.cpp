#include <algorithm>
#include "cli/options.hpp"

#include <fmt/format.h>

#include <charconv>

#include "cli/command_line.hpp"

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

}  // namespace

bool parse_window(std::string_view text, JoinWindow& window) {
  bool any = false;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    double number = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), number);
    if (ec != std::errc() || number < 0) return false;
    std::string_view unit(end, static_cast<std::size_t>(part.data() + part.size() - end));
    if (unit.empty()) {
      window.records = static_cast<std::uint64_t>(number);
    } else if (unit == "s") {
      window.seconds = number;
    } else if (unit == "m") {
      window.seconds = number * 60;
    } else if (unit == "h") {
      window.seconds = number * 3600;
    } else {
      return false;
    }
    any = true;
  }
  return any;
}

std::optional<std::size_t> parse_size(std::string_view text) {
  std::size_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.empty() || unit == "B") return number;
  if (unit == "K" || unit == "KiB") return number << 10;
  if (unit == "M" || unit == "MiB") return number << 20;
  if (unit == "G" || unit == "GiB") return number << 30;
  return std::nullopt;
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
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!text.outcome.empty()) options.filter.outcome = text.outcome;
  if (!text.since.empty()) options.filter.since = text.since;
  if (!text.until.empty()) options.filter.until = text.until;
  if (!text.level.empty()) options.filter.min_level = parse_level(text.level);
  if (!window.empty() && !parse_window(window, options.join.window)) {
    fmt::print(stderr,
               "pkgly-trail: invalid --window '{}': expected records and/or a time, "
               "e.g. 20000, 120s, 5m or 20000,120s\n",
               window);
    return 2;
  }
  if (!memory.empty()) {
    auto bytes = parse_size(memory);
    if (!bytes) {
      fmt::print(stderr, "pkgly-trail: invalid --max-memory '{}': expected e.g. 512K, 96M, 2G\n",
                 memory);
      return 2;
    }
    options.join.max_memory = *bytes;
  }
  if (options.output == OutputFormat::Ecs &&
      (command_line.command("records").parsed() || command_line.command("trace").parsed())) {
    fmt::print(stderr,
               "pkgly-trail: -o ecs writes audit events as ECS documents: use `pkgly-trail "
               "audit -o ecs` or `pkgly-trail join -o ecs`; records and trace write text, json, "
               "csv or tsv\n");
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
    if (std::string error = check_sqlite_options(command_line.command("join"), options);
        !error.empty()) {
      fmt::print(stderr, "pkgly-trail: {}\n", error);
      return 2;
    }
  } else if (command_line.command("report").parsed()) {
    options.command = Command::Report;
    options.filter.audit_only = true;
    if (std::string error = check_report_options(options); !error.empty()) {
      fmt::print(stderr, "pkgly-trail: {}\n", error);
      return 2;
    }
  } else if (command_line.command("trace").parsed()) {
    options.command = Command::Trace;
    if (options.trace_id.size() < 8) {
      fmt::print(stderr, "pkgly-trail: trace needs at least 8 characters of an id, got '{}'\n",
                 options.trace_id);
      return 2;
    }
  } else {
    options.command = Command::Records;
  }
  if (!options.follow_dir.empty()) {
    if (!options.inputs.empty()) {
      fmt::print(stderr,
                 "pkgly-trail: --follow-dir follows the files of a directory; give no FILE with "
                 "it (or follow the files with -f FILE...)\n");
      return 2;
    }
    options.follow = true;
  } else if (options.follow &&
      (options.inputs.empty() ||
       std::find(options.inputs.begin(), options.inputs.end(), "-") != options.inputs.end())) {
    fmt::print(stderr,
               "pkgly-trail: --follow follows files by name; for a stream, pipe it in without -f "
               "(docker compose logs -f pkgly | pkgly-trail join)\n");
    return 2;
  }
  if (options.follow && options.merge) {
    // Followed, a quiet file may still write a record older than those already handed on.
    fmt::print(stderr,
               "pkgly-trail: --merge cannot be combined with --follow or --follow-dir: a merge "
               "must know that no input will write an earlier record; merge the files without "
               "following, or follow them without --merge\n");
    return 2;
  }
  return std::nullopt;
}

}  // namespace pkgly_trail::cli
