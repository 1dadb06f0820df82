#include "pkgly_trail/report/alert_table.hpp"

#include <fmt/format.h>

namespace pkgly_trail {

ReportTable AlertTable::empty_table() {
  ReportTable table;
  table.name = "alerts";
  table.title = "Alerts of the hunt rules";
  table.columns = {"level", "rule", "kind", "first", "last", "group", "count", "suspect", "source"};
  return table;
}

namespace {

Cell time_cell(std::int64_t time_us) {
  return time_us == hunt::kAlertWithoutTime ? Cell::null() : Cell::string(utc_time_text(time_us));
}

}  // namespace

bool AlertTable::on_alert(const hunt::Alert& alert) {
  ++alerts_;
  if (table_.rows.size() >= max_rows_) {
    table_.truncated = true;
    // The events of the alerts left out: the notes under the table say how many.
    table_.omitted_events += alert.events.size() + static_cast<std::uint64_t>(alert.events_omitted);
    return true;
  }
  const std::string group = hunt::alert_group_text(alert);
  // Where to start reading: the first event's place (hunt -o json lists them all).
  std::string sources;
  const bool suspect = alert.suspect_events > 0;  // any event counted, listed or not
  if (!alert.events.empty()) {
    const hunt::AlertEvent& first = alert.events.front();
    sources = fmt::format("{}:{}", first.input, first.line);
    const std::int64_t more =
        static_cast<std::int64_t>(alert.events.size()) - 1 + alert.events_omitted;
    if (more > 0) sources += fmt::format(" (+{} more)", more);
  }
  table_.rows.push_back(
      {Cell::string(hunt::to_string(alert.rule->level)), Cell::string(alert.rule->title),
       Cell::string(alert.correlation ? hunt::to_string(alert.type) : "detection"),
       time_cell(alert.first_us), time_cell(alert.last_us),
       group.empty() ? Cell::null() : Cell::string(group),
       Cell::count(static_cast<std::uint64_t>(alert.count)), Cell::string(suspect ? "yes" : "no"),
       Cell::string(sources)});
  return true;
}

}  // namespace pkgly_trail
