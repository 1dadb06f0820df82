// `hunt`: records -> correlate -> hunt (rules) -> alert printer. The filters choose the events
// the rules see; the rules choose what is printed.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/hunt_setup.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/hunt/hunter.hpp"

namespace pkgly_trail::cli {

namespace {

int list_rules(const hunt::RuleSet& rules) {
  OutputStream out(STDOUT_FILENO);
  auto row = [&out](const hunt::RuleInfo& info, std::string_view kind, bool alerts) {
    fmt::format_to(std::back_inserter(out.buffer()), "{:<13} {:<16} {}{}  ({}:{})\n",
                   to_string(info.level), kind, info.title, alerts ? "" : " [counted only]",
                   info.place.path, info.place.line);
  };
  for (std::size_t i = 0; i < rules.detections.size(); ++i)
    row(rules.detections[i].info, "detection", rules.detection_alerts[i]);
  for (const hunt::CorrelationRule& rule : rules.correlations)
    row(rule.info, to_string(rule.type), true);
  out.flush();
  return out.failed() ? 2 : 0;
}

void print_hunt_stats(const hunt::Hunter& hunter, const hunt::HuntState& state) {
  const hunt::HuntStats& stats = hunter.stats();
  const hunt::CorrelationEngine::Stats groups = hunter.correlation_stats();
  const hunt::CorrelationEngine::RestoreStats& restored = hunter.restored();
  const hunt::HuntState::Stats addresses = state.stats();
  report_note(fmt::format(
      "hunt: {} event(s) checked ({} without a time: detections only), {} rule hit(s), {} "
      "alert(s) ({} more below --min-level)",
      stats.events, stats.events_untimed, stats.detection_hits, stats.alerts, stats.alerts_below));
  report_note(fmt::format(
      "  correlation groups held {} (peak {}), evicted {}, windows expired {}, event summaries "
      "held {}, late events {}, dropped {}",
      groups.groups_held, groups.groups_peak, groups.groups_evicted, groups.windows_expired,
      groups.events_held, groups.late_events, groups.events_dropped));
  report_note(fmt::format(
      "  state{}: addresses held {} (read {}), forgotten {}, evicted {}; windows restored {}, "
      "dropped {} (rule changed) and {} (unreadable)",
      state.path().empty() ? " (memory only)" : " " + state.path(), addresses.addresses_held,
      addresses.addresses_loaded, addresses.addresses_forgotten, addresses.addresses_evicted,
      restored.restored, restored.rule_changed, restored.unreadable));
}

}  // namespace

int run_hunt(const Options& options, const Filter& filter) {
  std::optional<hunt::RuleSet> rules = load_rule_set(options);
  if (!rules) return 2;
  if (options.list_rules) return list_rules(*rules);
  warn_unknown_time_zone();
  std::optional<hunt::HuntState> state = open_hunt_state(options);
  if (!state) return 2;
  OutputStream out(STDOUT_FILENO);
  // --postgres: the alerts go to the store's table alerts instead of stdout.
  std::unique_ptr<PostgresEventSink> store;
  std::unique_ptr<hunt::AlertSink> printer;
  try {
    if (options.postgres.empty()) {
      printer = hunt::make_alert_sink(out, sink_options(options));
    } else {
      store = open_postgres_sink(postgres_options(options));
    }
  } catch (const PostgresError& e) {
    report_error(e.what());
    return 2;
  }
  hunt::AlertSink& alerts = store ? static_cast<hunt::AlertSink&>(*store) : *printer;
  hunt::Hunter hunter(*rules, hunt::HuntOptions{{}, options.min_level}, *state, alerts);
  NameWatch names = watch_names(options, filter);
  Correlator correlator(
      options.join,
      [&filter, &names](const Record& audit, const Record* access) {
        names.look_at(audit, access);
        return filter.matches(audit, access);
      },
      hunter);
  TerminalObserver observer(options, hunter.stats().alerts);
  ReadSummary read;
  try {
    read = read_records(read_plan(options, AssemblerOptions{options.service, {}}), correlator,
                        observer);
  } catch (const PostgresError& e) {
    report_error(e.what());
    return 2;
  }
  if (store)
    report_note(fmt::format("{} alert(s) written to {} ({} already there)", store->alerts_written(),
                            store->where(), store->alerts_already_there()));
  if (!save_hunt_state(*state)) return 2;
  const JoinStats& join = correlator.stats();
  if (options.stats) {
    print_stats(read, join.printed);
    print_join_stats(join);
    print_hunt_stats(hunter, *state);
  }
  warn_uncounted_hits(hunter);
  warn_join_evictions(join, options.join.max_memory);
  warn_missing_names(names, true);
  return finish_run(options, out, read, hunter.stats().alerts, &join);
}

}  // namespace pkgly_trail::cli
