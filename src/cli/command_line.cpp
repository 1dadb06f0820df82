#include "cli/command_line.hpp"

#include <charconv>

#include "cli/choice_option.hpp"

namespace pkgly_trail::cli {

namespace {

constexpr const char* kDescription =
    "pkgly-trail: read Pkgly registry logs (docker compose, kubectl, files, gzip; full, "
    "compact, pretty or json), keep the audit events you ask for and print them.";

constexpr const char* kExamples = R"(
Examples:
  docker compose logs -f pkgly | pkgly-trail audit --actor bob
  docker compose logs -f pkgly | pkgly-trail join --actor bob
  pkgly-trail join --outcome denied --where client.address=203.0.113.9 pkgly.log
  pkgly-trail trace 54b87071 pkgly.log
  pkgly-trail audit --outcome denied --since 7d /var/log/pkgly/pkgly.log.*
  pkgly-trail join --merge pkgly-0.log pkgly-1.log
  pkgly-trail audit -o json --action 'package.*' samples/full-ansi-compose.log
  pkgly-trail audit -o csv --fields timestamp,actor_username,action,outcome pkgly.log.gz
  pkgly-trail records --target sqlx --level warn --where request_id=54b87071-8bea-4010-ba63-4894e969788a app.log
  pkgly-trail audit --match 'query~(?i)select|union' --stats app.log
  pkgly-trail report --since 1d -o html /var/log/pkgly/pkgly.log.* > report.html
  pkgly-trail join -o ecs pkgly.log > audit.ecs.ndjson
  pkgly-trail join --sqlite audit.db /var/log/pkgly/pkgly.log.*
  pkgly-trail completions bash > ~/.local/share/bash-completion/completions/pkgly-trail

Exit status: 0 when something was printed, 1 when nothing matched, 2 on trouble.)";

// Each command's --help ends with examples of that command.
constexpr const char* kAuditExamples = R"(
Examples:
  docker compose logs -f pkgly | pkgly-trail audit --actor bob
  pkgly-trail audit --outcome denied --since yesterday /var/log/pkgly/pkgly.log.*
  pkgly-trail audit -o json --action 'package.*' samples/full-ansi-compose.log
  pkgly-trail audit -o csv --fields timestamp,actor_username,action,outcome pkgly.log.gz
  pkgly-trail audit --match 'query~(?i)select|union' --stats app.log
  pkgly-trail audit --follow-dir /var/log/pkgly --prefix pkgly.log --since 1h

Exit status: 0 when something was printed, 1 when nothing matched, 2 on trouble.)";

constexpr const char* kJoinExamples = R"(
Examples:
  docker compose logs -f pkgly | pkgly-trail join --actor bob
  pkgly-trail join --outcome denied --where client.address=203.0.113.9 pkgly.log
  pkgly-trail join -o csv --fields timestamp,actor_username,action,client.address pkgly.log
  pkgly-trail join --merge pkgly-0.log pkgly-1.log
  pkgly-trail join -o ecs pkgly.log > audit.ecs.ndjson
  pkgly-trail join --sqlite audit.db /var/log/pkgly/pkgly.log.*

Exit status: 0 when something was printed, 1 when nothing matched, 2 on trouble.)";

constexpr const char* kHuntExamples = R"(
Examples:
  docker compose logs -f pkgly | pkgly-trail hunt
  pkgly-trail hunt --state hunt.db /var/log/pkgly/pkgly.log.*
  pkgly-trail hunt --rules rules/ --rules my-rules/ -o json pkgly.log
  pkgly-trail hunt --list-rules
  TZ=Europe/Berlin pkgly-trail hunt -o ecs pkgly.log > alerts.ecs.ndjson

Rules: Sigma detection and correlation rules (docs/hunt.md); without --rules, the set shipped
in the binary (rules/ of the source).
Exit status: 0 when an alert fired, 1 when none did, 2 on trouble (a rule file that is not
valid Sigma included).)";

constexpr const char* kTraceExamples = R"(
Examples:
  pkgly-trail trace 54b87071 pkgly.log
  pkgly-trail trace 54b87071-8bea-4010-ba63-4894e969788a -o json pkgly.log
  pkgly-trail trace 4bf92f3577b34da6a3ce929d0e0e4736 --local pkgly.log

Exit status: 0 when the request was found, 1 when not, 2 on trouble (an ambiguous prefix).)";

constexpr const char* kDbExamples = R"(
Examples:
  pkgly-trail db migrate 'postgresql://trail@db.internal/audit'
  pkgly-trail db prune --before 400d 'host=db.internal dbname=audit user=trail'
The password comes from PGPASSWORD, ~/.pgpass or a service file (docs/postgres.md).)";

constexpr const char* kRecordsExamples = R"(
Examples:
  pkgly-trail records --target sqlx --level warn pkgly.log
  pkgly-trail records --target pkgly::upstream_access --level warn pkgly.log
  pkgly-trail records --where request_id=54b87071-8bea-4010-ba63-4894e969788a pkgly.log
  pkgly-trail records --level error -o json --since 2h /var/log/pkgly/pkgly.log.*

Exit status: 0 when something was printed, 1 when nothing matched, 2 on trouble.)";

// CLI11 2.1 fills plain strings; optional ones are converted after parsing.
void add_filter_options(CLI::App& app, FilterOptions& f, OptionText& t) {
  app.add_option("--action", f.actions, "Audit action, glob (package.*); repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--not-action", f.not_actions, "Leave out this audit action, glob; repeatable")
      ->allow_extra_args(false)
      ->group("Filters");
  add_choice<std::string>(app, "--outcome", t.outcome,
                          {{"success", "success"}, {"denied", "denied"}}, "success or denied",
                          "OUTCOME")
      ->group("Filters");
  app.add_option("--actor", f.actors, "actor_username, exact; repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--not-actor", f.not_actors, "Leave out this actor_username; repeatable")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--repository", f.repositories, "repository id or name; repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--storage", f.storages, "storage id; repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--path", f.paths, "path or url_path, glob; repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--since", t.since, "RFC 3339 time, date, or age (30m, 2h, 7d)")->group("Filters");
  app.add_option("--until", t.until, "RFC 3339 time, date, or age (records before it)")
      ->group("Filters");
  app.add_option("--around", t.around,
                 "A moment (as --since): the records within --context of it, on either side")
      ->group("Filters");
  app.add_option("--context", t.context, "With --around: how far on either side (default 5m)")
      ->group("Filters");
  app.add_option("--where", f.where,
                 "KEY=VALUE, exact (KEY!=VALUE: not that value); KEY may be any field or span "
                 "field")
      ->allow_extra_args(false)
      ->group("Filters");
  app.add_option("--match", f.match,
                 "KEY~RE2 regular expression, partial match (KEY!~RE2: no match)")
      ->allow_extra_args(false)
      ->group("Filters");
}

// markdown and html are report layouts; a record stream has no use for them.
std::string reject_report_format(std::string& value) {
  const std::string lower = lower_case(value);
  if (lower != "markdown" && lower != "md" && lower != "html") return {};
  return "-o " + value +
         " is a format of `pkgly-trail report` only; this command writes text, json, csv or tsv";
}

// Every command that reads logs: the CSV formula guard, the end-of-run counts, strictness.
void add_run_flags(CLI::App& app, Options& o) {
  app.add_flag("--raw-csv", o.raw_csv,
               "csv/tsv: write cells starting with = + - @ as logged (no leading ')")
      ->group("Output");
  app.add_flag("--stats", o.stats, "Print counts and throughput to stderr at the end")
      ->group("Output");
  app.add_flag("--strict", o.strict, "Exit 2 when a line looked like a record but did not parse")
      ->group("Output");
}

// How text output looks to a person: times and line width.
void add_text_options(CLI::App& app, Options& o) {
  CLI::Option* as_utc = app.add_flag_callback(
                               "--utc", [&o] { o.time = TimeDisplay::Utc; },
                               "Text output: show times in UTC (2025-11-20T10:15:30.369463Z)")
                            ->group("Output");
  app.add_flag_callback(
         "--local", [&o] { o.time = TimeDisplay::Local; },
         "Text output: show times in the local time zone (TZ), with its offset")
      ->excludes(as_utc)
      ->group("Output");
  app.add_flag("--wide", o.wide,
               "Text output on a terminal: do not cut long lines to the terminal width")
      ->group("Output");
}

// A person at a terminal: a pager for long output, a progress line for long runs.
void add_terminal_options(CLI::App& app, Options& o) {
  app.add_flag("--no-pager", o.no_pager,
               "Do not page output on a terminal (default: $PAGER or less, when it is long)")
      ->group("Output");
  CLI::Option* progress =
      app.add_flag("--progress", o.progress,
                   "Show the progress line on stderr even when it is not a terminal")
          ->group("Output");
  app.add_flag("--no-progress", o.no_progress,
               "Never show the progress line (default: when stderr is a terminal and stdout "
               "is not)")
      ->excludes(progress)
      ->group("Output");
}

void add_output_options(CLI::App& app, Options& o) {
  add_choice<OutputFormat>(app, "-o,--output", o.output,
                           {{"text", OutputFormat::Text},
                            {"json", OutputFormat::Json},
                            {"csv", OutputFormat::Csv},
                            {"tsv", OutputFormat::Tsv},
                            {"ecs", OutputFormat::Ecs}},
                           "text (default), json (NDJSON), csv, tsv, or ecs (audit, join: "
                           "Elastic Common Schema NDJSON)",
                           "FORMAT")
      ->transform(CLI::Validator(reject_report_format, ""))  // runs first
      ->group("Output");
  app.add_option("--fields", o.fields, "Columns for csv/tsv/text, comma separated")
      ->allow_extra_args(false)
      ->delimiter(',')
      ->group("Output");
  add_choice<ColorMode>(
      app, "--color", o.color,
      {{"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}},
      "auto (default: on a terminal, unless NO_COLOR), always, never", "WHEN")
      ->group("Output");
  add_run_flags(app, o);
  add_text_options(app, o);
  add_terminal_options(app, o);
}

void add_input_options(CLI::App& app, Options& o) {
  app.add_option("FILE", o.inputs, "Log files (gzip is detected); - or none for stdin");
  app.add_option("--service", o.service, "Keep only this docker compose service (pkgly)")
      ->group("Input");
  app.add_option("--max-line-bytes", o.max_line_bytes,
                 "Cut longer lines and count them (default 64 MiB)")
      ->type_name("BYTES")
      ->check(whole_number_in(1024, std::size_t{1} << 40, "a number of bytes"))
      ->group("Input");
  app.add_flag("-f,--follow", o.follow,
               "Keep reading the FILEs as they grow, across rotations, like tail -F (Ctrl-C ends)")
      ->group("Input");
  CLI::Option* dir =
      app.add_option("--follow-dir", o.follow_dir,
                     "Follow a rolling logger's DIR: its files (see --prefix) oldest first, then "
                     "new ones as they appear; compressed ones are skipped")
          ->group("Input");
  app.add_option("--prefix", o.follow_prefix,
                 "With --follow-dir: only files whose names start with NAME (Pkgly writes "
                 "NAME.<date>)")
      ->needs(dir)
      ->group("Input");
  app.add_flag("--merge", o.merge,
               "Merge the FILEs into one stream by record timestamp (one file per replica, "
               "rotated files); each FILE must be in order itself")
      ->group("Input");
}

void add_join_options(CLI::App& app, Options& o, std::string& window, std::string& memory) {
  app.add_option("--window", window,
                 "How far apart records of one request may be: records and/or log time, "
                 "e.g. 20000, 120s, 20000,120s (default 20000,120s)")
      ->group("Join");
  app.add_option("--max-related", o.join.max_related,
                 "Related records kept per request (default 1000); more are counted")
      ->group("Join");
  app.add_option("--max-memory", memory,
                 "Memory for requests in flight, e.g. 96M (default); oldest evicted first")
      ->group("Join");
}

constexpr const char* kReportExamples = R"(
Examples:
  pkgly-trail report pkgly.log
  pkgly-trail report --since 7d --outcome denied /var/log/pkgly/pkgly.log.*
  pkgly-trail report --since 1d -o html /var/log/pkgly/pkgly.log.* > report.html
  pkgly-trail report -o csv --out-dir reports/ pkgly.log
  pkgly-trail report --by action,outcome -o csv pkgly.log
  pkgly-trail report --by client.address --top 10 --outcome denied pkgly.log

Exit status: 0 when the report counted events, 1 when none matched, 2 on trouble.)";

// ECS documents are one per audit event; a report is tables.
std::string reject_ecs_format(std::string& value) {
  if (lower_case(value) != "ecs") return {};
  return "-o ecs writes one document per audit event: use `pkgly-trail audit -o ecs` or "
         "`pkgly-trail join -o ecs`; report writes text, csv, tsv, json, markdown or html";
}

// `report`: its own -o (markdown and html too) and the options of the aggregation.
void add_report_options(CLI::App& app, Options& o) {
  add_choice<ReportFormat>(app, "-o,--output", o.report_format,
                           {{"text", ReportFormat::Text},
                            {"csv", ReportFormat::Csv},
                            {"tsv", ReportFormat::Tsv},
                            {"json", ReportFormat::Json},
                            {"markdown", ReportFormat::Markdown},
                            {"md", ReportFormat::Markdown},
                            {"html", ReportFormat::Html}},
                           "text (default, aligned tables), csv, tsv, json, markdown (md) or html",
                           "FORMAT")
      ->transform(CLI::Validator(reject_ecs_format, ""))  // runs first
      ->group("Output");
  app.add_option("--out-dir", o.report_out_dir,
                 "csv/tsv: one file per section in DIR (DIR/actions.csv...) instead of stdout")
      ->group("Output");
  app.add_option("--by", o.report.by,
                 "Count events per FIELD[,FIELD...] instead of the default sections "
                 "(fields as in join --fields: action, outcome, client.address...)")
      ->allow_extra_args(false)
      ->delimiter(',')
      ->group("Report");
  app.add_option("--top", o.report.top, "Rows of each ranked table (0 = all, the default)")
      ->group("Report");
  app.add_option("--max-groups", o.report.max_groups,
                 "Groups kept per table (default 10000); past it the table says it is truncated")
      ->type_name("N")
      ->check(whole_number_in(1, std::size_t{1} << 32, "a number"))
      ->group("Report");
  add_choice<Bucket>(app, "--bucket", o.report.bucket, {{"1h", Bucket::Hour}, {"1d", Bucket::Day}},
                     "Timeline rows: 1h or 1d (default: 1h when the events span 3 days or less)",
                     "SIZE")
      ->group("Report");
  add_run_flags(app, o);
}

// --rules and --state: `hunt`, and `report` for its Alerts section.
void add_rule_options(CLI::App& app, Options& o) {
  app.add_option("--rules", o.rules,
                 "Sigma rule file, or a directory of *.yml rules; repeat to add (default: the "
                 "rules shipped in the binary)")
      ->type_name("PATH")
      ->allow_extra_args(false)
      ->group("Hunt");
  app.add_option("--state", o.hunt_state,
                 "Keep what rules learn across runs in this SQLite file (each account's "
                 "addresses, open correlation windows); created if missing")
      ->type_name("FILE")
      ->group("Hunt");
  add_choice<hunt::RuleLevel>(app, "--min-level", o.min_level,
                              {{"informational", hunt::RuleLevel::Informational},
                               {"low", hunt::RuleLevel::Low},
                               {"medium", hunt::RuleLevel::Medium},
                               {"high", hunt::RuleLevel::High},
                               {"critical", hunt::RuleLevel::Critical}},
                              "Only alerts of rules at this level or above (default: all)", "LEVEL")
      ->group("Hunt");
}

void add_hunt_options(CLI::App& app, Options& o) {
  add_rule_options(app, o);
  app.add_flag("--list-rules", o.list_rules,
               "Print the rules loaded (level, kind, title, file) and read no log")
      ->group("Hunt");
}

}  // namespace

CommandLine::CommandLine(Options& options) : app_(kDescription, "pkgly-trail") {
  CLI::App& app = app_;
  app.footer(kExamples);
  app.require_subcommand(1);
  app.set_version_flag("--version", "pkgly-trail 0.1.0");

  CLI::App* audit = app.add_subcommand("audit", "Audit events (target pkgly::audit)");
  CLI::App* records = app.add_subcommand("records", "Every tracing record, for lower-level data");
  CLI::App* join = app.add_subcommand(
      "join", "Audit events, each with its access record and the records of its request");
  CLI::App* trace = app.add_subcommand(
      "trace", "Every record of one request, by trace_id, request_id or a prefix (8+ chars)");
  CLI::App* report = app.add_subcommand(
      "report",
      "Compliance report of the joined audit events: totals, actions, actors, denied "
      "attempts, repositories, timeline, sensitive actions (text, csv, json, markdown, "
      "html)");
  CLI::App* hunt = app.add_subcommand(
      "hunt",
      "Sigma detection and correlation rules over the joined audit events: brute force, new "
      "addresses, destructive and out-of-hours changes... one alert per rule hit");
  hunt->footer(kHuntExamples);
  report->footer(kReportExamples);
  audit->footer(kAuditExamples);
  join->footer(kJoinExamples);
  trace->footer(kTraceExamples);
  records->footer(kRecordsExamples);
  CLI::App* db = app.add_subcommand(
      "db",
      "The PostgreSQL store of join --postgres: create or upgrade its schema (migrate), "
      "remove old events (prune)");
  db->footer(kDbExamples);
  add_choice<DbAction>(*db, "ACTION", options.db_action,
                       {{"migrate", DbAction::Migrate}, {"prune", DbAction::Prune}},
                       "migrate: create the store's schema, or upgrade it to this version; "
                       "prune: remove the events dated before --before",
                       "ACTION")
      ->required();
  db->add_option("CONNINFO", options.postgres,
                 "libpq connection string or URI (the password from PGPASSWORD, ~/.pgpass or a "
                 "service file)")
      ->required();
  db->add_option("--before", options.prune_before,
                 "prune: remove the events before this time: YYYY-MM-DD, RFC 3339, or relative "
                 "(400d)")
      ->type_name("TIME");
  CLI::App* completions = app.add_subcommand(
      "completions",
      "Print a completion script for bash, zsh or fish (see docs/usage.md to install it)");
  add_choice<std::string>(*completions, "SHELL", options.shell,
                          {{"bash", "bash"}, {"zsh", "zsh"}, {"fish", "fish"}}, "bash, zsh or fish",
                          "SHELL")
      ->required();
  // Hidden (no group): the build runs it to write pkgly-trail.1.
  app.add_subcommand("man", "Print the man page (troff)")->group("");
  OptionText& text = text_;
  trace->add_option("ID", options.trace_id, "trace_id, request_id, or a prefix of either")
      ->required();
  for (CLI::App* sub : {audit, records, join, trace, hunt}) {
    add_input_options(*sub, options);
    add_output_options(*sub, options);
  }
  for (CLI::App* sub : {audit, records, join, report, hunt})
    add_filter_options(*sub, options.filter, text);
  for (CLI::App* sub : {join, trace, report, hunt})
    add_join_options(*sub, options, text.window, text.memory);
  add_input_options(*report, options);
  add_report_options(*report, options);
  add_terminal_options(*report, options);
  add_hunt_options(*hunt, options);
  // Alerts have fixed columns: hunt refuses --fields with a word (options.cpp), and its help,
  // man page and completions do not offer it.
  hunt->get_option("--fields")->group("");
  report
      ->add_flag("--hunt", options.report_hunt,
                 "Add an Alerts section: the hunt rules (--rules, or the shipped ones) over the "
                 "same events")
      ->group("Hunt");
  add_rule_options(*report, options);
  join->add_flag("--access-only", options.join.access_only,
                 "Join the access record only, no related records")
      ->group("Join");
  add_choice<std::optional<Level>>(
      *join, "--related-level", options.related_level,
      {{"trace", Level::Trace},
       {"debug", Level::Debug},
       {"info", Level::Info},
       {"warn", Level::Warn},
       {"error", Level::Error}},
      "Related records of this level or more severe (default: all; info at a terminal)", "LEVEL")
      ->group("Join");
  join->add_option("--related-target", options.join.related_targets,
                   "Related records under this target prefix only (pkgly, sqlx); repeat to OR")
      ->allow_extra_args(false)
      ->group("Join");
  join->add_option("--sqlite", options.sqlite,
                   "Write the events, access and related records to this SQLite database "
                   "instead of stdout (created if missing; re-runs add only new events)")
      ->type_name("FILE")
      ->group("Output");
  join->add_option("--postgres", options.postgres,
                   "Write the events, access and related records to this PostgreSQL store "
                   "instead of stdout (libpq connection string or URI; docs/postgres.md)")
      ->type_name("CONNINFO")
      ->group("Output");
  hunt->add_option("--postgres", options.postgres,
                   "Write the alerts to the table alerts of this PostgreSQL store instead of "
                   "stdout (docs/postgres.md)")
      ->type_name("CONNINFO")
      ->group("Output");
  for (CLI::App* sub : {join, hunt})
    sub->add_option("--source-label", options.source_label,
                    "With --postgres: the source_label of the rows written (default: the host "
                    "name)")
        ->type_name("LABEL")
        ->group("Output");
  report
      ->add_option("--postgres", options.postgres,
                   "Report over the events of this PostgreSQL store (every source) instead of "
                   "log files")
      ->type_name("CONNINFO")
      ->group("Input");
  records
      ->add_option("--target", options.filter.target_prefixes,
                   "Target prefix (sqlx, pkgly::access); repeat to OR")
      ->allow_extra_args(false)
      ->group("Filters");
  add_choice<std::string>(*records, "--level", text.level,
                          {{"trace", "trace"},
                           {"debug", "debug"},
                           {"info", "info"},
                           {"warn", "warn"},
                           {"warning", "warn"},
                           {"error", "error"}},
                          "trace, debug, info, warn or error: that level and more severe", "LEVEL")
      ->group("Filters");
}

}  // namespace pkgly_trail::cli
