#pragma once
// Private to the report stage: inline SVG charts for the html report (no script, no external
// asset). Labels are log text and go through the HTML escaping like every table cell.
#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <string>

#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail::report_detail {

// Success and denied stacked per bucket of the timeline section.
void append_timeline_chart(fmt::memory_buffer& out, const ReportTable& timeline);

struct ChartBar {
  std::string label;  // raw log text (or "-"), escaped when written
  std::uint64_t success = 0;
  std::uint64_t denied = 0;
};
// Horizontal bars, one per item, success and denied stacked.
void append_bar_chart(fmt::memory_buffer& out, std::span<const ChartBar> bars,
                      std::string_view description);

}  // namespace pkgly_trail::report_detail
