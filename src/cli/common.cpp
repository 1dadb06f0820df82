#include "cli/common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "cli/interrupt.hpp"
#include "cli/report_error.hpp"
#include "cli/spelling.hpp"

namespace pkgly_trail::cli {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool use_color(ColorMode mode, bool stdout_terminal) {
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  return stdout_terminal && (no_color == nullptr || *no_color == '\0');
}

SinkOptions sink_options(const Options& options) {
  SinkOptions sink;
  sink.format = options.output;
  sink.fields = options.fields;
  sink.audit = options.command == Command::Audit || options.command == Command::Join;
  sink.color = use_color(options.color, ::isatty(STDOUT_FILENO) == 1);
  sink.raw_csv = options.raw_csv;
  sink.terminal = options.stdout_terminal;
  sink.time = options.time;
  sink.width = options.output == OutputFormat::Text ? options.text_width : 0;
  return sink;
}

NameWatch watch_names(const Options& options, const Filter& filter) {
  std::vector<std::string> names = options.fields;
  for (std::string& key : filter.keys()) names.push_back(std::move(key));
  return NameWatch(std::move(names));
}

void warn_missing_names(const NameWatch& watch, bool joined) {
  const std::vector<NameWatch::Missing> missing = watch.missing();
  if (missing.empty()) return;
  const std::vector<std::string> seen = watch.names_seen();
  for (const NameWatch::Missing& m : missing) {
    std::string message = fmt::format("no record had the field '{}'", m.name);
    if (auto closest = closest_word(m.name, seen)) {
      message += fmt::format(" (did you mean {}?)", *closest);
    } else if (m.access_field && !joined) {
      message += fmt::format(
          "; it is a field of the access record, which `pkgly-trail join` adds to each audit "
          "event");
    }
    report_warning(message);
  }
}

int finish_run(const Options& options, OutputStream& out, const ReadSummary& read,
               std::uint64_t printed, const JoinStats* join) {
  out.flush();
  if (out.failed()) {
    report_error(out.error());
    return 2;
  }
  const ParseStats& stats = read.stats;
  // Every doubt about the input, with where it first showed (--strict makes each an error).
  struct Doubt {
    std::uint64_t count;
    const std::string& first;
    std::string_view what;
    std::string_view why = {};  // of the first, when known
  };
  static const JoinStats kNoJoin;
  const JoinStats& j = join != nullptr ? *join : kNoJoin;
  const Doubt doubts[] = {
      {stats.unparsed_lines, stats.first_unparsed,
       "line(s) looked like records but could not be parsed", stats.first_unparsed_why},
      {stats.folded_record_lines, stats.first_folded,
       "line(s) that look like records were read as part of the record before them, whose "
       "value held a newline; that record is marked suspect"},
      {stats.orphan_tail_lines, stats.first_orphan_tail,
       "line(s) inside another record end the way an audit record ends: a value before them "
       "held newlines and may have imitated records; the records around them are marked "
       "suspect"},
      {stats.audit_marker_lines_not_events, stats.first_audit_marker_not_event,
       "line(s) carry the audit marker (pkgly::audit, Audit event) but did not come out as "
       "audit events"},
      {stats.url_break_records, stats.first_url_break,
       "record(s) start within the lines a line break in a request's URL (%0A) can reach and "
       "are written in that URL: a value decoded from it may have imitated them; they and the "
       "record that showed the URL are marked suspect"},
      {j.shared_access_ids, j.first_shared_access_id,
       "access record(s) have the request id of an earlier one: Pkgly writes one per request, "
       "so the others were forged; the join keeps the newest and marks it suspect"},
      {j.exchange_mismatches, j.first_exchange_mismatch,
       "audit event(s) name another method, route, path or status than their access record: "
       "a value may have imitated the record's end; they are marked suspect"},
      {j.missing_span, j.first_missing_span,
       "audit event(s) show no request span although the log writes them: a value may have "
       "ended the record early and given its span to an imitation; they are marked suspect"},
      {j.missing_access, j.first_missing_access,
       "audit event(s) of an HTTP request came without the access record Pkgly writes before "
       "each: forged, or the log starts inside the request; they are marked suspect"},
  };
  bool doubt = false;
  for (const Doubt& d : doubts) {
    if (d.count == 0) continue;
    doubt = true;
    if (d.why.empty()) {
      report_warning(fmt::format("{} {} (first at {})", d.count, d.what, d.first));
    } else {
      report_warning(fmt::format("{} {} (first at {}: {})", d.count, d.what, d.first, d.why));
    }
  }
  if (read.truncated_lines > 0) {
    doubt = true;
    report_warning(fmt::format(
        "{} line(s) were longer than --max-line-bytes and were cut (their records are marked "
        "suspect)",
        read.truncated_lines));
  }
  if (stats.suspect_records > 0) {
    doubt = true;
    report_warning(fmt::format(
        "{} record(s) are marked suspect: each says why in its \"suspect\" (docs/security.md)",
        stats.suspect_records));
  }
  if (read.input_trouble || (options.strict && doubt)) return 2;
  // Interrupted: what was pending has been printed; say so the way shells expect (128 + 2).
  if (interrupted()) return 130;
  return printed > 0 ? 0 : 1;
}

PostgresSinkOptions postgres_options(const Options& options) {
  PostgresSinkOptions store;
  store.conninfo = options.postgres;
  store.source_label = options.source_label;
  if (store.source_label.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) store.source_label = host;
  }
  store.say = [](std::string_view message) { report_note(message); };
  return store;
}

}  // namespace pkgly_trail::cli
