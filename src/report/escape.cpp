#include "escape.hpp"

#include "pkgly_trail/sink/terminal_text.hpp"

namespace pkgly_trail::report_detail {

std::string visible_text(std::string_view text) {
  fmt::memory_buffer buffer;
  append_terminal_safe(buffer, text);
  return fmt::to_string(buffer);
}

std::string shortened(std::string_view visible, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < visible.size(); ++i) {
    // Count lead bytes only: continuation bytes (10xxxxxx) belong to the character before.
    if ((static_cast<unsigned char>(visible[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return std::string(visible.substr(0, i)) + "\u2026";
    ++chars;
  }
  return std::string(visible);
}

void append_html_entities(fmt::memory_buffer& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out.append(text.data() + run, text.data() + i);
    out.append(entity);
    run = i + 1;
  }
  out.append(text.data() + run, text.data() + text.size());
}

void append_html_text(fmt::memory_buffer& out, std::string_view text) {
  append_html_entities(out, visible_text(text));
}

void append_markdown_text(fmt::memory_buffer& out, std::string_view text) {
  const std::string visible = visible_text(text);
  for (char c : visible) {
    switch (c) {
      case '&':
        out.append(std::string_view("&amp;"));
        break;
      case '<':
        out.append(std::string_view("&lt;"));
        break;
      case '>':
        out.append(std::string_view("&gt;"));
        break;
      case '|':
        out.append(std::string_view("&#124;"));  // a \| is still a cell break in some renderers
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '~':
      case '#':
      case '!':
        out.push_back('\\');
        out.push_back(c);
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string_view shown(const Cell& cell) noexcept {
  return cell.is_null() ? std::string_view("-") : std::string_view(cell.text);
}

bool numeric_column(const ReportTable& table, std::size_t column) noexcept {
  bool any = false;
  for (const auto& row : table.rows) {
    if (column >= row.size() || row[column].is_null()) continue;
    if (row[column].kind != ValueKind::Integer && row[column].kind != ValueKind::Float)
      return false;
    any = true;
  }
  return any;
}

std::vector<std::string> table_notes(const ReportTable& table, std::size_t max_groups) {
  std::vector<std::string> notes;
  if (table.omitted_rows > 0)
    notes.push_back(fmt::format("{} more row(s) not shown (--top)", table.omitted_rows));
  if (table.truncated && table.omitted_events == 0)
    notes.push_back(
        fmt::format("truncated at --max-groups {}: some counts are lower bounds", max_groups));
  if (table.truncated && table.omitted_events > 0)
    notes.push_back(fmt::format(
        "truncated at --max-groups {}: {} event(s) of further groups are not counted here",
        max_groups, table.omitted_events));
  return notes;
}

}  // namespace pkgly_trail::report_detail
