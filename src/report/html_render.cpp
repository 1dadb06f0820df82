// -o html: one self-contained page (inline CSS and SVG, no script, no external asset; the
// Content-Security-Policy forbids both anyway). Every value from the log is escaped.
#include <algorithm>

#include "escape.hpp"
#include "html_charts.hpp"
#include "renderers.hpp"

namespace pkgly_trail::report_detail {
namespace {

constexpr std::size_t kChartBars = 10;

constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pkgly-trail">
<title>Pkgly audit report</title>
<style>
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--ok:#2da44e;--deny:#cf222e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:#fff}
main{max-width:1200px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:36px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.sub{color:var(--muted);margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--soft)}
.card .v{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.deny .v,.deny{color:var(--deny)}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
figure.wide{grid-column:1/-1}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}
svg .lbl{font-size:11px;fill:var(--muted)}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .axis{stroke:#8c959f;stroke-width:1}
table{border-collapse:collapse;width:100%;font-size:13px}
section{overflow-x:auto}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
th{background:var(--soft);font-weight:600}
tbody tr:nth-child(even) td{background:#fbfcfd}
#totals table{width:auto;min-width:420px}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{margin:8px 0 0;padding:6px 10px;border:1px solid #d4a72c;border-radius:6px;background:#fff8c5;color:#7d4e00}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media (max-width:800px){.charts{grid-template-columns:1fr}}
</style>
</head>
<body>
<main>
)";

void text(fmt::memory_buffer& buf, std::string_view value) {
  append_html_text(buf, value);
}

void card(fmt::memory_buffer& buf, const Report& report, std::string_view metric,
          std::string_view label, bool denied = false) {
  fmt::format_to(std::back_inserter(buf), "<div class=\"card{}\"><div class=\"v\">",
                 denied ? " deny" : "");
  text(buf, shown(report.total(metric)));
  fmt::format_to(std::back_inserter(buf), "</div><div class=\"k\">{}</div></div>\n", label);
}

void notes(fmt::memory_buffer& buf, const ReportTable& table, std::size_t max_groups) {
  for (const std::string& note : table_notes(table, max_groups)) {
    buf.append(std::string_view("<p class=\"note\">"));
    text(buf, note);
    buf.append(std::string_view("</p>\n"));
  }
}

void write_table(const ReportTable& table, std::size_t max_groups, OutputStream& out) {
  fmt::memory_buffer& buf = out.buffer();
  buf.append(std::string_view("<section id=\""));
  text(buf, table.name);
  buf.append(std::string_view("\">\n<h2>"));
  text(buf, table.title);
  buf.append(std::string_view("</h2>\n"));
  if (table.rows.empty()) {
    buf.append(std::string_view("<p class=\"empty\">None.</p>\n"));
  } else {
    std::vector<bool> numeric(table.columns.size());
    std::size_t outcome_column = table.columns.size();
    buf.append(std::string_view("<table>\n<thead><tr>"));
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      numeric[c] = numeric_column(table, c);
      if (table.columns[c] == "outcome") outcome_column = c;
      buf.append(std::string_view(numeric[c] ? "<th class=\"n\">" : "<th>"));
      text(buf, table.columns[c]);
      buf.append(std::string_view("</th>"));
    }
    buf.append(std::string_view("</tr></thead>\n<tbody>\n"));
    for (const auto& row : table.rows) {
      buf.append(std::string_view("<tr>"));
      for (std::size_t c = 0; c < row.size(); ++c) {
        const bool denied = c == outcome_column && row[c].text == "denied";
        buf.append(std::string_view(numeric[c] ? "<td class=\"n\">"
                                    : denied   ? "<td class=\"deny\">"
                                               : "<td>"));
        text(buf, shown(row[c]));
        buf.append(std::string_view("</td>"));
      }
      buf.append(std::string_view("</tr>\n"));
      out.maybe_flush();
    }
    buf.append(std::string_view("</tbody>\n</table>\n"));
  }
  notes(buf, table, max_groups);
  buf.append(std::string_view("</section>\n"));
}

std::uint64_t count_at(const std::vector<Cell>& row, std::size_t column) {
  return column < row.size() && row[column].kind == ValueKind::Integer
             ? std::stoull(row[column].text)
             : 0;
}

void write_charts(const Report& report, fmt::memory_buffer& buf) {
  buf.append(std::string_view("<h2>Charts</h2>\n<div class=\"charts\">\n"));
  if (const ReportTable* timeline = report.section("timeline")) {
    buf.append(std::string_view("<figure class=\"wide\"><figcaption>"));
    text(buf, timeline->title);
    buf.append(std::string_view("</figcaption>\n"));
    append_timeline_chart(buf, *timeline);
    buf.append(std::string_view("</figure>\n"));
  }
  if (const ReportTable* actors = report.section("actors")) {
    std::vector<ChartBar> bars;
    for (const auto& row : actors->rows) {
      if (bars.size() == kChartBars) break;
      const std::uint64_t events = count_at(row, 1), denied = count_at(row, 2);
      bars.push_back({std::string(shown(row[0])), events - std::min(events, denied), denied});
    }
    buf.append(std::string_view("<figure><figcaption>Top actors</figcaption>\n"));
    append_bar_chart(buf, bars, "Events per actor, top 10");
    buf.append(std::string_view("</figure>\n"));
  }
  // Every denied event has a bar: those without an address under "unknown", and past the
  // chart's bars, the remaining addresses together.
  std::vector<ChartBar> denied;
  const auto& by_address = report.denied_by_address;
  for (std::size_t i = 0; i < by_address.size(); ++i) {
    const auto& [address, count] = by_address[i];
    if (denied.size() == kChartBars - 1 && by_address.size() > kChartBars) {
      std::uint64_t rest = 0;
      for (std::size_t j = i; j < by_address.size(); ++j) rest += by_address[j].second;
      denied.push_back({fmt::format("{} other addresses", by_address.size() - i), 0, rest});
      break;
    }
    denied.push_back(
        {address.is_null() ? std::string("unknown") : std::string(address.text), 0, count});
  }
  buf.append(std::string_view("<figure><figcaption>Denied by client address</figcaption>\n"));
  append_bar_chart(buf, denied, "Denied events per client address, top 10");
  buf.append(std::string_view("</figure>\n</div>\n"));
}

}  // namespace

void render_html(const Report& report, OutputStream& out) {
  fmt::memory_buffer& buf = out.buffer();
  buf.append(kHead);
  buf.append(std::string_view("<h1>Pkgly audit report</h1>\n<p class=\"sub\">"));
  text(buf, report.total("events").text);
  buf.append(std::string_view(" audit events from "));
  text(buf, shown(report.total("first")));
  buf.append(std::string_view(" to "));
  text(buf, shown(report.total("last")));
  buf.append(std::string_view("</p>\n<div class=\"cards\">\n"));
  card(buf, report, "events", "events");
  card(buf, report, "success", "success");
  card(buf, report, "denied", "denied", true);
  card(buf, report, "distinct_actors", "actors");
  card(buf, report, "distinct_client_addresses", "client addresses");
  card(buf, report, "unparsed_lines", "unparsed lines");
  card(buf, report, "suspect_events", "suspect events", true);
  card(buf, report, "audit_marker_lines", "audit lines not events", true);
  card(buf, report, "suspect_records", "suspect records", true);
  buf.append(std::string_view("</div>\n"));
  write_table(report.scope_table(), report.max_groups, out);
  write_table(report.inputs_table(), report.max_groups, out);
  if (!report.group_by) write_charts(report, buf);
  write_table(report.totals, report.max_groups, out);
  for (const ReportTable& table : report.sections) write_table(table, report.max_groups, out);
  buf.append(std::string_view("<footer>Generated by "));
  text(buf, kReportGeneratedBy);
  buf.append(std::string_view(
      ". Counts are of joined audit events; ordering: count descending, then name.</footer>\n"
      "</main>\n</body>\n</html>\n"));
}

}  // namespace pkgly_trail::report_detail
