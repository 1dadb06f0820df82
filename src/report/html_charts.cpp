#include "html_charts.hpp"

#include <algorithm>
#include <cmath>

#include "escape.hpp"

namespace pkgly_trail::report_detail {
namespace {

constexpr std::string_view kSuccessColor = "#2da44e";
constexpr std::string_view kDeniedColor = "#cf222e";

// A round step for about four grid lines up to `max`: 1, 2 or 5 times a power of ten.
std::uint64_t grid_step(std::uint64_t max) {
  const double raw = std::max(1.0, static_cast<double>(max) / 4.0);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(step));
}

std::uint64_t count_of(const Cell& cell) {
  return cell.kind == ValueKind::Integer ? std::stoull(cell.text) : 0;
}

// "2025-11-20T10:00Z" -> "11-20 10:00"; a day stays as it is.
std::string axis_label(std::string_view bucket) {
  if (bucket.size() == 17 && bucket[10] == 'T')
    return fmt::format("{} {}", bucket.substr(5, 5), bucket.substr(11, 5));
  return std::string(bucket);
}

void append_legend(fmt::memory_buffer& out, double x, double y, bool with_success) {
  if (!with_success) {
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\">denied</text>",
                   x, y - 9, kDeniedColor, x + 14, y);
    return;
  }
  fmt::format_to(std::back_inserter(out),
                 "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\">success</text>"
                 "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\">denied</text>",
                 x, y - 9, kSuccessColor, x + 14, y, x + 80, y - 9, kDeniedColor, x + 94, y);
}

}  // namespace

void append_timeline_chart(fmt::memory_buffer& out, const ReportTable& timeline) {
  struct Point {
    std::string label;
    std::uint64_t success, denied;
  };
  std::vector<Point> points;
  for (const auto& row : timeline.rows) {
    if (row.size() < 3 || row[0].is_null()) continue;  // events without a timestamp
    points.push_back({axis_label(row[0].text), count_of(row[1]), count_of(row[2])});
  }
  if (points.empty()) {
    out.append(std::string_view("<p class=\"empty\">No events with a timestamp.</p>"));
    return;
  }
  constexpr double width = 1100, height = 280, left = 56, right = 16, top = 34, bottom = 46;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  std::uint64_t max = 1;
  for (const Point& p : points) max = std::max(max, p.success + p.denied);
  const std::uint64_t step = grid_step(max);
  const std::uint64_t axis_max = (max + step - 1) / step * step;
  const auto y_of = [&](double v) {
    return top + plot_h - v / static_cast<double>(axis_max) * plot_h;
  };
  fmt::format_to(std::back_inserter(out),
                 "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" "
                 "aria-label=\"Events over time, success and denied\">",
                 width, height);
  append_legend(out, left, 16, true);
  for (std::uint64_t v = 0; v <= axis_max; v += step) {
    const double y = y_of(static_cast<double>(v));
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" class=\"grid\"/>"
                   "<text x=\"{}\" y=\"{:.1f}\" class=\"lbl\" text-anchor=\"end\">{}</text>",
                   left, y, width - right, y, left - 6, y + 4, v);
  }
  const double slot = plot_w / static_cast<double>(points.size());
  const double bar_w = std::min(slot * 0.7, 56.0);
  const std::size_t label_every = (points.size() + 11) / 12;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    const double x = left + static_cast<double>(i) * slot + (slot - bar_w) / 2;
    const double y_success = y_of(static_cast<double>(p.success));
    const double y_total = y_of(static_cast<double>(p.success + p.denied));
    out.append(std::string_view("<g><title>"));
    append_html_text(out, p.label);
    fmt::format_to(std::back_inserter(out), ": {} success, {} denied</title>", p.success, p.denied);
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                   "fill=\"{}\"/>",
                   x, y_success, bar_w, top + plot_h - y_success, kSuccessColor);
    if (p.denied > 0)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                     "fill=\"{}\"/>",
                     x, y_total, bar_w, y_success - y_total, kDeniedColor);
    out.append(std::string_view("</g>"));
    if (i % label_every == 0) {
      fmt::format_to(std::back_inserter(out),
                     "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\" text-anchor=\"middle\">",
                     x + bar_w / 2, top + plot_h + 18);
      append_html_text(out, p.label);
      out.append(std::string_view("</text>"));
    }
  }
  fmt::format_to(std::back_inserter(out),
                 "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" class=\"axis\"/></svg>",
                 left, top + plot_h, width - right, top + plot_h);
}

void append_bar_chart(fmt::memory_buffer& out, std::span<const ChartBar> bars,
                      std::string_view description) {
  if (bars.empty()) {
    out.append(std::string_view("<p class=\"empty\">Nothing to show.</p>"));
    return;
  }
  constexpr double width = 540, label_w = 180, value_w = 48, row_h = 26, top = 30;
  const double bar_area = width - label_w - value_w;
  const double height = top + row_h * static_cast<double>(bars.size()) + 6;
  std::uint64_t max = 1;
  for (const ChartBar& bar : bars) max = std::max(max, bar.success + bar.denied);
  fmt::format_to(std::back_inserter(out),
                 "<svg class=\"chart\" viewBox=\"0 0 {} {:.0f}\" role=\"img\" aria-label=\"", width,
                 height);
  append_html_entities(out, description);
  out.append(std::string_view("\">"));
  bool any_success = false;
  for (const ChartBar& bar : bars) any_success = any_success || bar.success > 0;
  append_legend(out, label_w, 16, any_success);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& bar = bars[i];
    const double y = top + row_h * static_cast<double>(i);
    const double scale = bar_area / static_cast<double>(max);
    const double w_success = static_cast<double>(bar.success) * scale;
    const double w_denied = static_cast<double>(bar.denied) * scale;
    const std::string visible = visible_text(bar.label);
    out.append(std::string_view("<g><title>"));
    append_html_entities(out, visible);
    fmt::format_to(std::back_inserter(out), ": {} success, {} denied</title>", bar.success,
                   bar.denied);
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\" text-anchor=\"end\">",
                   label_w - 8, y + 17);
    append_html_entities(out, shortened(visible, 24));
    out.append(std::string_view("</text>"));
    if (bar.success > 0)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"18\" "
                     "fill=\"{}\"/>",
                     label_w, y + 4, w_success, kSuccessColor);
    if (bar.denied > 0)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"18\" "
                     "fill=\"{}\"/>",
                     label_w + w_success, y + 4, w_denied, kDeniedColor);
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lbl\">{}</text></g>",
                   label_w + w_success + w_denied + 6, y + 17, bar.success + bar.denied);
  }
  out.append(std::string_view("</svg>"));
}

}  // namespace pkgly_trail::report_detail
