#include "pkgly_trail/report/report.hpp"

#include <algorithm>
#include <cstring>

#include "group_table.hpp"
#include "time_buckets.hpp"

namespace pkgly_trail {

const ReportTable* Report::section(std::string_view name) const noexcept {
  for (const ReportTable& table : sections)
    if (table.name == name) return &table;
  return nullptr;
}

const Cell& Report::total(std::string_view metric) const noexcept {
  static const Cell unknown;
  for (const auto& row : totals.rows)
    if (row.size() == 2 && row[0].text == metric) return row[1];
  return unknown;
}

ReportTable Report::scope_table() const {
  ReportTable table;
  table.name = "scope";
  table.title = "Scope";
  table.columns = {"item", "value"};
  auto row = [&table](std::string_view item, std::string value) {
    table.rows.push_back({Cell::string(item), Cell::string(value)});
  };
  row("period_since", scope.since_us ? utc_time_text(*scope.since_us)
                                     : std::string("open: from the first event read"));
  row("period_until", scope.until_us ? utc_time_text(*scope.until_us) + " (exclusive)"
                                     : std::string("open: to the last event read"));
  if (!scope.store.empty()) row("store", "PostgreSQL " + scope.store + " (every source)");
  std::string filters;
  for (const std::string& option : scope.filters) {
    if (!filters.empty()) filters.push_back(' ');
    filters += option;
  }
  row("filters", filters.empty() ? std::string("none: every audit event read") : filters);
  row("generated_at", utc_time_text(scope.generated_us));
  row("generated_by", std::string(kReportGeneratedBy));
  row("time_zone",
      "UTC: the period, the timeline and generated_at; event times as Pkgly logged them");
  return table;
}

ReportTable Report::inputs_table() const {
  ReportTable table;
  table.name = "inputs";
  table.title = "Inputs read";
  table.columns = {"name", "bytes", "sha256"};
  for (const ReportInput& input : scope.inputs)
    table.rows.push_back({Cell::string(input.name == "-" ? "(standard input)" : input.name),
                          input.bytes ? Cell::count(*input.bytes) : Cell::null(),
                          input.sha256.empty() ? Cell::null() : Cell::string(input.sha256)});
  return table;
}

bool is_sensitive_action(std::string_view action) noexcept {
  if (action.find("delete") != std::string_view::npos ||
      action.find("permission") != std::string_view::npos)
    return true;
  static constexpr std::string_view kSubjects[] = {"user.",     "auth.token.", "token.",
                                                   "security.", "repository.", "storage."};
  if (std::none_of(std::begin(kSubjects), std::end(kSubjects),
                   [&](std::string_view subject) { return action.starts_with(subject); }))
    return false;
  // The last word says what was done: a change, or a read (list, me, browse_ws.connect...).
  const std::string_view verb = action.substr(action.rfind('.') + 1);
  static constexpr std::string_view kChanges[] = {"create", "update",  "revoke", "rotate", "set",
                                                  "reset",  "grant",   "add",    "remove", "rename",
                                                  "change", "disable", "enable", "move"};
  return std::any_of(std::begin(kChanges), std::end(kChanges), [&](std::string_view change) {
    return verb == change || (verb.starts_with(change) && verb[change.size()] == '_');
  });
}

namespace report_detail {

std::vector<Cell> key_cells(std::string_view key) {
  std::vector<Cell> cells;
  std::size_t i = 0;
  while (i < key.size()) {
    const auto tag = static_cast<unsigned char>(key[i++]);
    if (tag == 0) {
      cells.push_back(Cell::null());
      continue;
    }
    std::uint32_t size = 0;
    std::memcpy(&size, key.data() + i, sizeof size);
    i += sizeof size;
    cells.push_back(Cell{static_cast<ValueKind>(tag - 1), std::string(key.substr(i, size))});
    i += size;
  }
  return cells;
}

bool cells_less(const std::vector<Cell>& a, const std::vector<Cell>& b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i].is_null() != b[i].is_null()) return b[i].is_null();
    if (a[i].text != b[i].text) return a[i].text < b[i].text;
  }
  return a.size() < b.size();
}

std::string bucket_label(std::int64_t index, Bucket bucket) {
  using namespace std::chrono;
  const std::int64_t per_day = bucket == Bucket::Day ? 1 : 24;
  const std::int64_t day = index >= 0 ? index / per_day : (index - per_day + 1) / per_day;
  const year_month_day date{sys_days{days{day}}};
  std::string label =
      fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  if (bucket == Bucket::Hour) label += fmt::format("T{:02}:00Z", index - day * 24);
  return label;
}

std::int64_t bucket_index(std::int64_t time_us, Bucket bucket) noexcept {
  const std::int64_t width = bucket == Bucket::Day ? kDayUs : kHourUs;
  return time_us >= 0 ? time_us / width : (time_us - width + 1) / width;
}

}  // namespace report_detail
}  // namespace pkgly_trail
