// `report`: records -> correlate (exactly as `join`) -> report aggregator -> one rendering at
// the end. Filters run on the complete event, so they may name fields of its access record.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/report/aggregator.hpp"
#include "pkgly_trail/report/render.hpp"

namespace pkgly_trail::cli {

namespace {

// Only `--by related|warnings|errors` looks at the related records; without them the
// correlator keeps the access record alone, which is all the sections need.
bool needs_related(const ReportOptions& report) {
  return std::any_of(report.by.begin(), report.by.end(), [](const std::string& field) {
    return field == "related" || field == "warnings" || field == "errors";
  });
}

}  // namespace

int run_report(const Options& options, const Filter& filter) {
  OutputStream out(STDOUT_FILENO);
  ReportAggregator aggregator(options.report);
  // --by names fields as --fields does.
  Options asked = options;
  asked.fields = options.report.by;
  NameWatch names = watch_names(asked, filter);
  JoinLimits limits = options.join;
  limits.access_only = limits.access_only || !needs_related(options.report);
  Correlator correlator(
      limits,
      [&filter, &names](const Record& audit, const Record* access) {
        names.look_at(audit, access);
        return filter.matches(audit, access);
      },
      aggregator);
  TerminalObserver observer(options, correlator.stats().printed);
  const ReadSummary read =
      read_records(read_plan(options, AssemblerOptions{options.service, {}}), correlator, observer);
  const Report report =
      aggregator.build({read.stats.unparsed_lines, read.stats.audit_marker_lines_not_events,
                        read.stats.suspect_records});
  const RenderOptions render{options.report_format, options.raw_csv, options.stdout_terminal};
  if (options.report_out_dir.empty()) {
    render_report(report, out, render);
  } else if (std::string error = write_report_files(report, options.report_out_dir, render);
             !error.empty()) {
    report_error(error);
    return 2;
  }
  if (const Cell& truncated = report.total("truncated_sections"); !truncated.is_null())
    report_warning(fmt::format("more than {} groups, not all counted in: {} (raise --max-groups)",
                               options.report.max_groups, truncated.text));
  if (options.stats) {
    print_stats(read, aggregator.events());
    print_join_stats(correlator.stats());
  }
  warn_join_evictions(correlator.stats(), options.join.max_memory);
  warn_missing_names(names, true);
  return finish_run(options, out, read, aggregator.events(), &correlator.stats());
}

}  // namespace pkgly_trail::cli
