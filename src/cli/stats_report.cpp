#include "cli/stats_report.hpp"

#include <fmt/format.h>

#include "cli/report_error.hpp"

namespace pkgly_trail::cli {

void print_stats(const ReadSummary& r, std::uint64_t matched) {
  const ParseStats& s = r.stats;
  const double mib = static_cast<double>(r.bytes) / (1024.0 * 1024.0);
  const double seconds = r.seconds > 0 ? r.seconds : 1e-9;
  // Where the first line that could not be parsed is, and why.
  const std::string unparsed_first =
      s.first_unparsed.empty()
          ? std::string()
          : fmt::format(" (first at {}{}{})", s.first_unparsed,
                        s.first_unparsed_why.empty() ? "" : ": ", s.first_unparsed_why);
  fmt::print(stderr,
             "bytes               {}\n"
             "lines               {}\n"
             "  record lines      {}\n"
             "  continuation      {}\n"
             "  non-tracing       {}\n"
             "  unparsed          {}{}\n"
             "  other services    {}\n"
             "  truncated         {}\n"
             "  folded records    {} (look like records, kept in the record before them)\n"
             "  audit marker      {} (carry the audit marker, not audit events)\n"
             "  orphan tails      {} (end like an audit record, inside another record)\n"
             "  url line breaks   {} (records a request's URL line break may have written)\n"
             "records             {} (full {}, compact {}, pretty {}, json {}; {} not parsed: "
             "could not match)\n"
             "  suspect           {}\n"
             "matched             {}\n"
             "elapsed             {:.3f} s\n"
             "throughput          {:.1f} MiB/s\n",
             r.bytes, s.lines, s.record_lines, s.continuation_lines, s.non_tracing_lines,
             s.unparsed_lines, unparsed_first, s.other_service_lines, r.truncated_lines,
             s.folded_record_lines, s.audit_marker_lines_not_events, s.orphan_tail_lines,
             s.url_break_records, s.records, s.records_by_format[0], s.records_by_format[1],
             s.records_by_format[2], s.records_by_format[3], s.records_skipped, s.suspect_records,
             matched, r.seconds, mib / seconds);
}

void print_join_stats(const JoinStats& s) {
  fmt::print(stderr,
             "audit events        {}\n"
             "  printed           {}\n"
             "  filtered out      {}\n"
             "  without access    {}\n"
             "requests expired    {} (left the window without an audit event)\n"
             "requests evicted    {} (--max-memory)\n"
             "audits evicted      {} (--max-memory: printed before their access record came)\n"
             "related over cap    {} (--max-related)\n"
             "related left out    {} (--related-level, --related-target)\n"
             "late records        {} (after their audit event was printed)\n"
             "shared access ids   {} (access records of a request that had one: forged)\n"
             "exchange mismatches {} (audit and access records disagree: marked suspect)\n"
             "missing access      {} (an HTTP audit event without one: suspect)\n"
             "missing span        {} (an audit event without its request's span: suspect)\n"
             "join memory peak    {} bytes\n",
             s.audit_events, s.printed, s.filtered_out, s.without_access, s.requests_expired,
             s.requests_evicted, s.audits_evicted, s.related_over_cap, s.related_left_out,
             s.late_records, s.shared_access_ids, s.exchange_mismatches, s.missing_access,
             s.missing_span, s.peak_bytes);
}

void warn_join_evictions(const JoinStats& s, std::size_t max_memory) {
  if (s.requests_evicted == 0 && s.audits_evicted == 0) return;
  report_warning(fmt::format(
      "--max-memory {} bytes reached: {} audit event(s) printed without waiting for their "
      "access record, {} request(s) in flight dropped with their related records (raise "
      "--max-memory or narrow --window)",
      max_memory, s.audits_evicted, s.requests_evicted));
}

}  // namespace pkgly_trail::cli
