#pragma once
// Private to the report stage: log text made inert for each format people read. Every value
// first goes through the sink's terminal-safe escaping (controls, bidi overrides and invalid
// UTF-8 shown as \e, \u{202e}, \xNN), then through the format's own escaping.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail::report_detail {

// Controls made visible; the result is valid UTF-8 with no control character.
std::string visible_text(std::string_view text);
// At most `max_chars` characters of visible text, "…" marking a cut (never inside a character).
std::string shortened(std::string_view visible, std::size_t max_chars);
// & < > " ' as entities; `text` must already be visible text.
void append_html_entities(fmt::memory_buffer& out, std::string_view text);
// Log text for HTML (element content or a quoted attribute).
void append_html_text(fmt::memory_buffer& out, std::string_view text);
// Log text for a markdown table cell: HTML entities, and \ ` * _ [ ] | ~ # ! backslash-escaped.
void append_markdown_text(fmt::memory_buffer& out, std::string_view text);
// How people see a cell: its text, or "-" when unknown.
std::string_view shown(const Cell& cell) noexcept;
// A column whose known cells are all counts is right-aligned.
bool numeric_column(const ReportTable& table, std::size_t column) noexcept;
// What a reader of the table must know, in order: "12 more rows not shown (--top)", then
// "truncated at --max-groups 10000: 42 events of further groups are not counted here"; each
// only when it applies.
std::vector<std::string> table_notes(const ReportTable& table, std::size_t max_groups);

}  // namespace pkgly_trail::report_detail
