#pragma once
// Private to the report stage: one function per output format, behind render_report.
#include "pkgly_trail/report/render.hpp"

namespace pkgly_trail::report_detail {

void render_text(const Report& report, OutputStream& out);
void render_json(const Report& report, OutputStream& out);
void render_markdown(const Report& report, OutputStream& out);
void render_html(const Report& report, OutputStream& out);
// Every section in one table with a `section` column first (the union of the sections'
// columns after it), or with --by the plain `FIELD...,count` table.
void render_delimited(const Report& report, OutputStream& out, bool tsv, bool raw,
                      bool terminal = false);
// One section as its own csv/tsv table.
void render_delimited_table(const ReportTable& table, OutputStream& out, bool tsv, bool raw,
                            bool terminal = false);

}  // namespace pkgly_trail::report_detail
