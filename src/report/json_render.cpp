// -o json: one document. Each row on a line of its own, so two nightly reports diff cleanly.
#include "pkgly_trail/sink/json_writer.hpp"
#include "renderers.hpp"

namespace pkgly_trail::report_detail {
namespace {

void append_cell(fmt::memory_buffer& buf, const Cell& cell) {
  append_json_value(buf, cell.value());
}

void append_string_array(fmt::memory_buffer& buf, const std::vector<std::string>& items) {
  buf.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) buf.push_back(',');
    append_json_string(buf, items[i]);
  }
  buf.push_back(']');
}

void append_section(const ReportTable& table, OutputStream& out) {
  fmt::memory_buffer& buf = out.buffer();
  buf.append(std::string_view("  {\"name\":"));
  append_json_string(buf, table.name);
  buf.append(std::string_view(",\"title\":"));
  append_json_string(buf, table.title);
  buf.append(std::string_view(",\"columns\":"));
  append_string_array(buf, table.columns);
  fmt::format_to(std::back_inserter(buf),
                 ",\"truncated\":{},\"omitted_events\":{},\"omitted_rows\":{},\"rows\":[",
                 table.truncated, table.omitted_events, table.omitted_rows);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    buf.append(std::string_view(r == 0 ? "\n    [" : ",\n    ["));
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      if (c > 0) buf.push_back(',');
      append_cell(buf, table.rows[r][c]);
    }
    buf.push_back(']');
    out.maybe_flush();
  }
  buf.append(std::string_view(table.rows.empty() ? "]}" : "\n  ]}"));
}

// "scope": what the report covers, as the text formats' Scope and Inputs tables say it.
void append_scope(fmt::memory_buffer& buf, const ReportScope& scope) {
  auto time = [&buf](const std::optional<std::int64_t>& at) {
    if (at) {
      append_json_string(buf, utc_time_text(*at));
    } else {
      buf.append(std::string_view("null"));
    }
  };
  buf.append(std::string_view(",\n\"scope\":{\"period\":{\"since\":"));
  time(scope.since_us);
  buf.append(std::string_view(",\"until\":"));
  time(scope.until_us);
  buf.append(std::string_view("},\"filters\":"));
  append_string_array(buf, scope.filters);
  if (!scope.store.empty()) {
    buf.append(std::string_view(",\"store\":"));
    append_json_string(buf, scope.store);
  }
  buf.append(std::string_view(",\"generated_at\":"));
  time(scope.generated_us);
  buf.append(std::string_view(",\"time_zone\":\"UTC\",\"inputs\":["));
  for (std::size_t i = 0; i < scope.inputs.size(); ++i) {
    const ReportInput& input = scope.inputs[i];
    buf.append(std::string_view(i == 0 ? "\n  {\"name\":" : ",\n  {\"name\":"));
    append_json_string(buf, input.name);
    buf.append(std::string_view(",\"bytes\":"));
    if (input.bytes) {
      fmt::format_to(std::back_inserter(buf), "{}", *input.bytes);
    } else {
      buf.append(std::string_view("null"));
    }
    buf.append(std::string_view(",\"sha256\":"));
    if (input.sha256.empty()) {
      buf.append(std::string_view("null"));
    } else {
      append_json_string(buf, input.sha256);
    }
    buf.push_back('}');
  }
  buf.append(std::string_view(scope.inputs.empty() ? "]}" : "\n]}"));
}

// --by: an array of objects whose keys are the fields and "count".
void render_group_by(const ReportTable& table, OutputStream& out) {
  fmt::memory_buffer& buf = out.buffer();
  buf.push_back('[');
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    buf.append(std::string_view(r == 0 ? "\n{" : ",\n{"));
    for (std::size_t c = 0; c < table.columns.size() && c < table.rows[r].size(); ++c) {
      if (c > 0) buf.push_back(',');
      append_json_string(buf, table.columns[c]);
      buf.push_back(':');
      append_cell(buf, table.rows[r][c]);
    }
    buf.push_back('}');
    out.maybe_flush();
  }
  buf.append(std::string_view(table.rows.empty() ? "]\n" : "\n]\n"));
}

}  // namespace

void render_json(const Report& report, OutputStream& out) {
  if (report.group_by && !report.sections.empty()) {
    render_group_by(report.sections.front(), out);
    return;
  }
  fmt::memory_buffer& buf = out.buffer();
  buf.append(std::string_view("{\"generated_by\":"));
  append_json_string(buf, kReportGeneratedBy);
  append_scope(buf, report.scope);
  buf.append(std::string_view(",\n\"totals\":{"));
  for (std::size_t i = 0; i < report.totals.rows.size(); ++i) {
    const auto& row = report.totals.rows[i];
    if (i > 0) buf.push_back(',');
    append_json_string(buf, row[0].text);
    buf.push_back(':');
    append_cell(buf, row[1]);
  }
  buf.append(std::string_view("},\n\"sections\":["));
  for (std::size_t i = 0; i < report.sections.size(); ++i) {
    buf.append(std::string_view(i == 0 ? "\n" : ",\n"));
    append_section(report.sections[i], out);
  }
  buf.append(std::string_view("\n]}\n"));
}

}  // namespace pkgly_trail::report_detail
