// `report`: records -> correlate (exactly as `join`) -> report aggregator -> one rendering at
// the end. Filters run on the complete event, so they may name fields of its access record.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/hunt_setup.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/shell_words.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/hunt/hunter.hpp"
#include "pkgly_trail/report/aggregator.hpp"
#include "pkgly_trail/report/alert_table.hpp"
#include "pkgly_trail/report/render.hpp"
#include "pkgly_trail/store/postgres.hpp"

namespace pkgly_trail::cli {

namespace {

// Only `--by related|warnings|errors` looks at the related records; without them the
// correlator keeps the access record alone, which is all the sections need.
bool needs_related(const ReportOptions& report) {
  return std::any_of(report.by.begin(), report.by.end(), [](const std::string& field) {
    return field == "related" || field == "warnings" || field == "errors";
  });
}

// When the report was made: SOURCE_DATE_EPOCH (seconds) when set, so that the same inputs give
// the same bytes (reproducible-builds.org), else the clock.
std::int64_t generated_us() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return now_us();
  char* end = nullptr;
  errno = 0;
  const long long seconds = std::strtoll(epoch, &end, 10);
  constexpr long long kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (*end != '\0' || errno != 0 || seconds < 0 || seconds > kMaxSeconds) {
    report_warning(
        fmt::format("SOURCE_DATE_EPOCH '{}' is not a number of seconds since 1970: "
                    "the report says the time now",
                    epoch));
    return now_us();
  }
  return seconds * 1'000'000;
}

ReportScope scope_of(const Options& options, const Filter& filter, const ReadSummary& read) {
  ReportScope scope;
  const Filter::Period period = filter.period();
  scope.since_us = period.since_us;
  scope.until_us = period.until_us;
  for (const InputRead& input : read.inputs)
    scope.inputs.push_back({input.name, input.bytes, input.sha256});
  if (!options.service.empty()) scope.filters.push_back("--service " + options.service);
  for (std::string& argument : filter_arguments(options.filter))
    scope.filters.push_back(std::move(argument));
  // The rules behind the alerts section are part of what the report covers.
  if (options.report_hunt) {
    if (options.rules.empty()) scope.filters.push_back("--hunt");
    for (const std::string& rules : options.rules)
      scope.filters.push_back("--rules " + shell_word(rules));
    if (options.min_level != hunt::RuleLevel::Informational)
      scope.filters.push_back(fmt::format("--min-level {}", hunt::to_string(options.min_level)));
    if (!options.hunt_state.empty())
      scope.filters.push_back("--state " + shell_word(options.hunt_state));
  }
  scope.generated_us = generated_us();
  return scope;
}

// report --postgres: the filters, which the correlator applies to events from logs.
class FilteredEvents final : public JoinedEventSink {
 public:
  FilteredEvents(const Filter& filter, NameWatch& names, JoinedEventSink& next)
      : filter_(filter), names_(names), next_(next) {}
  bool on_event(const JoinedEvent& event) override {
    names_.look_at(event.audit, event.access);
    return !filter_.matches(event.audit, event.access) || next_.on_event(event);
  }
  void on_idle() override { next_.on_idle(); }
  void finish() override { next_.finish(); }

 private:
  const Filter& filter_;
  NameWatch& names_;
  JoinedEventSink& next_;
};

}  // namespace

int run_report(const Options& options, const Filter& filter) {
  // --hunt: the rules see the events the report counts, before it (the chain: correlator ->
  // hunter -> aggregator), and their alerts become a section.
  std::optional<hunt::RuleSet> rules;
  std::optional<hunt::HuntState> state;
  if (options.report_hunt) {
    rules = load_rule_set(options);
    if (!rules) return 2;
    state = open_hunt_state(options);
    if (!state) return 2;
    warn_unknown_time_zone();
  }
  OutputStream out(STDOUT_FILENO);
  ReportAggregator aggregator(options.report);
  AlertTable alerts(options.report.max_groups);
  std::optional<hunt::Hunter> hunter;
  if (rules)
    hunter.emplace(*rules, hunt::HuntOptions{{}, options.min_level}, *state, alerts, &aggregator);
  JoinedEventSink& first = hunter ? static_cast<JoinedEventSink&>(*hunter) : aggregator;
  // --by names fields as --fields does.
  Options asked = options;
  asked.fields = options.report.by;
  NameWatch names = watch_names(asked, filter);
  JoinLimits limits = options.join;
  // Rules may read the related counts (docs/hunt.md): with them, the join is hunt's.
  limits.access_only = limits.access_only || (!needs_related(options.report) && !rules);
  ReadSummary read;
  InputDoubts doubts;
  std::optional<Correlator> correlator;
  std::optional<StoreRead> stored;
  if (options.postgres.empty()) {
    correlator.emplace(
        limits,
        [&filter, &names](const Record& audit, const Record* access) {
          names.look_at(audit, access);
          return filter.matches(audit, access);
        },
        first);
    TerminalObserver observer(options, correlator->stats().printed);
    ReadPlan plan = read_plan(options, AssemblerOptions{options.service, {}});
    plan.limits.sha256 = true;  // the report names each input by its SHA-256
    read = read_records(plan, *correlator, observer);
    doubts = {read.stats.unparsed_lines, read.stats.audit_marker_lines_not_events,
              read.stats.suspect_records};
  } else {
    FilteredEvents filtered(filter, names, first);
    const Filter::Period period = filter.period();
    try {
      stored = read_postgres_events(
          options.postgres, StoreQuery{period.since_us, period.until_us, !limits.access_only},
          filtered);
    } catch (const PostgresError& e) {
      report_error(e.what());
      return 2;
    }
  }
  Report report = aggregator.build(doubts);
  report.scope = scope_of(options, filter, read);
  if (stored) {
    report.scope.store = stored->where;
    for (const StoreSource& source : stored->sources)
      report.scope.inputs.push_back({fmt::format("{}: {}", source.label, source.input), {}, {}});
  }
  if (hunter) {
    warn_uncounted_hits(*hunter);
    if (!save_hunt_state(*state)) return 2;
    report.sections.push_back(alerts.take());
  }
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
    if (correlator) print_join_stats(correlator->stats());
  }
  if (correlator) warn_join_evictions(correlator->stats(), options.join.max_memory);
  warn_missing_names(names, true);
  return finish_run(options, out, read, aggregator.events(),
                    correlator ? &correlator->stats() : nullptr);
}

}  // namespace pkgly_trail::cli
