#pragma once
// `report --hunt` / `report --rules`: the alerts of the hunt stage as the report's `alerts`
// section, one row per alert, in the order they fired.
#include <cstddef>
#include <cstdint>

#include "pkgly_trail/hunt/alert_sink.hpp"
#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail {

class AlertTable final : public hunt::AlertSink {
 public:
  // Rows kept: past `max_rows`, alerts are counted, and the table says it is truncated.
  explicit AlertTable(std::size_t max_rows) : max_rows_(max_rows) { table_ = empty_table(); }
  bool on_alert(const hunt::Alert& alert) override;
  std::uint64_t alerts() const noexcept { return alerts_; }
  // The section: level, rule, kind, first, last, group, count, suspect, and `source`: the
  // first event's FILE:LINE and how many more made the alert.
  ReportTable take() { return std::move(table_); }

 private:
  static ReportTable empty_table();
  std::size_t max_rows_;
  std::uint64_t alerts_ = 0;
  ReportTable table_;
};

}  // namespace pkgly_trail
