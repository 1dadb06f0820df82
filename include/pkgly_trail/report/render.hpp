#pragma once
// Writes a Report for people (text, markdown, html) or programs (csv, tsv, json).
#include <string>

#include "pkgly_trail/report/report.hpp"
#include "pkgly_trail/sink/output_stream.hpp"

namespace pkgly_trail {

enum class ReportFormat { Text, Json, Csv, Tsv, Markdown, Html };

struct RenderOptions {
  ReportFormat format = ReportFormat::Text;
  bool raw_csv = false;   // csv/tsv: no guard against spreadsheet formulas
  bool terminal = false;  // stdout is a terminal or a pager: csv/tsv cells escape controls
};

void render_report(const Report& report, OutputStream& out, const RenderOptions& options);

// csv/tsv --out-dir: one file per section, DIR/<section>.csv (or .tsv), totals included.
// Returns an error message ("" on success).
std::string write_report_files(const Report& report, const std::string& dir,
                               const RenderOptions& options);

}  // namespace pkgly_trail
