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

bool AlertTable::on_alert(const hunt::Alert& alert) {
  ++alerts_;
  if (table_.rows.size() >= max_rows_) {
    table_.truncated = true;
    // The events of the alerts left out: the notes under the table say how many.
    table_.omitted_events += alert.events.size() + static_cast<std::uint64_t>(alert.events_omitted);
    return true;
  }
  std::string group;
  for (const auto& [field, value] : alert.group) {
    if (!group.empty()) group.push_back(' ');
    group += field + "=" + value;
  }
  // Where to start reading: the first event's place (hunt -o json lists them all).
  std::string sources;
  bool suspect = false;
  for (const hunt::AlertEvent& event : alert.events) suspect = suspect || !event.suspect.empty();
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
       Cell::string(utc_time_text(alert.first_us)), Cell::string(utc_time_text(alert.last_us)),
       group.empty() ? Cell::null() : Cell::string(group),
       Cell::count(static_cast<std::uint64_t>(alert.count)), Cell::string(suspect ? "yes" : "no"),
       Cell::string(sources)});
  return true;
}

}  // namespace pkgly_trail
