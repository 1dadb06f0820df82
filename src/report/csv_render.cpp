// -o csv / tsv, through the sink's DelimitedWriter: the same quoting, the same guard against
// spreadsheet formulas (--raw-csv to opt out), unknown values as empty cells.
#include <algorithm>

#include "pkgly_trail/sink/delimited_writer.hpp"
#include "renderers.hpp"

namespace pkgly_trail::report_detail {
namespace {

std::optional<Value> cell_of(const ReportTable& table, const std::vector<Cell>& row,
                             std::string_view column) {
  const auto it = std::find(table.columns.begin(), table.columns.end(), column);
  const auto index = static_cast<std::size_t>(it - table.columns.begin());
  if (it == table.columns.end() || index >= row.size()) return std::nullopt;
  return row[index].value();
}

}  // namespace

void render_delimited_table(const ReportTable& table, OutputStream& out, bool tsv, bool raw,
                            bool terminal) {
  DelimitedWriter writer(out, table.columns, tsv, raw, terminal);
  for (const auto& row : table.rows)
    writer.row([&](std::string_view column) { return cell_of(table, row, column); });
  writer.finish();
}

void render_delimited(const Report& report, OutputStream& out, bool tsv, bool raw, bool terminal) {
  if (report.group_by && !report.sections.empty()) {
    render_delimited_table(report.sections.front(), out, tsv, raw, terminal);
    return;
  }
  // The scope last: the columns of the sections before it keep their places.
  const ReportTable scope = report.scope_table(), inputs = report.inputs_table();
  std::vector<const ReportTable*> tables{&report.totals};
  for (const ReportTable& table : report.sections) tables.push_back(&table);
  tables.push_back(&scope);
  tables.push_back(&inputs);
  std::vector<std::string> columns{"section"};
  for (const ReportTable* table : tables)
    for (const std::string& column : table->columns)
      if (std::find(columns.begin(), columns.end(), column) == columns.end())
        columns.push_back(column);
  DelimitedWriter writer(out, columns, tsv, raw, terminal);
  for (const ReportTable* table : tables) {
    for (const auto& row : table->rows) {
      writer.row([&](std::string_view column) -> std::optional<Value> {
        if (column == "section") return Value::string(table->name);
        return cell_of(*table, row, column);
      });
    }
  }
  writer.finish();
}

}  // namespace pkgly_trail::report_detail
