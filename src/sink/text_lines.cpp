// Line layouts of the text output, shared by the record and join sinks. Every byte taken from
// the log goes through append_terminal_safe; the colour codes here are the only escapes written.
#include "text_lines.hpp"

#include "pkgly_trail/record/sgr.hpp"
#include "pkgly_trail/sink/terminal_text.hpp"

namespace pkgly_trail {
namespace {

using sgr::kBlue;
using sgr::kBoldRed;
using sgr::kGreen;
using sgr::kMagenta;
using sgr::kRed;
using sgr::kReset;
using sgr::kYellow;

constexpr std::string_view level_color(Level level) noexcept {
  switch (level) {
    case Level::Error:
      return kRed;
    case Level::Warn:
      return kYellow;
    case Level::Info:
      return kGreen;
    case Level::Debug:
      return kBlue;
    case Level::Trace:
      return kMagenta;
  }
  return {};
}

// Empty for an absent or null value.
std::string_view text_of(const Record& record, std::string_view name) noexcept {
  const std::optional<Value> value = record.lookup(name);
  return value && value->kind != ValueKind::Null ? value->text : std::string_view{};
}

}  // namespace

std::string_view TextLines::level_color(Level level) const noexcept {
  return color_ ? pkgly_trail::level_color(level) : std::string_view{};
}

// `-` stands in for an empty value so the columns stay countable.
void TextLines::cell(fmt::memory_buffer& line, std::string_view text, std::size_t width,
                     std::string_view color) const {
  const bool colored = color_ && !color.empty() && !text.empty();
  if (colored) line.append(color);
  std::size_t shown = 1;
  if (text.empty()) {
    line.push_back('-');
  } else {
    shown = append_terminal_safe(line, text);
  }
  if (colored) line.append(kReset);
  for (std::size_t i = shown; i < width; ++i) line.push_back(' ');
}

void TextLines::time(fmt::memory_buffer& line, std::string_view timestamp,
                     std::size_t width) const {
  std::size_t shown = 1;
  if (timestamp.empty()) {
    line.push_back('-');
  } else {
    shown = time_.append(line, timestamp);
  }
  for (std::size_t i = shown; i < width; ++i) line.push_back(' ');
}

void TextLines::end_line(fmt::memory_buffer& line) const {
  if (width_ > 0) {
    const std::string_view text(line.data(), line.size());
    const std::size_t newline = text.rfind('\n');
    fit_to_width(line, newline == std::string_view::npos ? 0 : newline + 1, width_);
  }
  line.push_back('\n');
}

void TextLines::columns(fmt::memory_buffer& line, const Record& record,
                        const std::vector<std::string>& columns_) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) line.append(std::string_view("  "));
    if (columns_[i] == "timestamp") {
      time(line, record.timestamp);
    } else {
      cell(line, text_of(record, columns_[i]));
    }
  }
}

// <timestamp> <outcome> <action> <actor> <method> <url_path> <status> [key=value ...]
void TextLines::audit(fmt::memory_buffer& line, const Record& record) const {
  const std::string_view outcome = text_of(record, "outcome");
  const std::string_view outcome_color = outcome == "denied"    ? kBoldRed
                                         : outcome == "success" ? kGreen
                                                                : std::string_view{};
  time(line, record.timestamp);
  line.push_back(' ');
  cell(line, outcome, 7, outcome_color);
  line.push_back(' ');
  cell(line, text_of(record, "action"), 24);
  for (std::string_view name :
       {"actor_username", "http_request_method", "url_path", "http_response_status_code"}) {
    line.push_back(' ');
    cell(line, text_of(record, name));
  }
  for (std::string_view name : {"resource_name", "path", "query"}) {
    const std::string_view value = text_of(record, name);
    if (value.empty()) continue;
    line.push_back(' ');
    line.append(name);
    line.push_back('=');
    append_terminal_value(line, value);
  }
  // Where the log can be read two ways (docs/security.md), a reader must see it.
  if (!record.suspect.empty()) {
    line.append(std::string_view(" SUSPECT: "));
    line.append(record.suspect);
  }
}

// <timestamp> <LEVEL> <span:span> <target>: <message> k=v ..., LEVEL right-aligned as
// tracing writes it.
void TextLines::event(fmt::memory_buffer& line, const Record& record) const {
  time(line, record.timestamp);
  line.push_back(' ');
  const std::string_view level = to_string(record.level);
  for (std::size_t i = level.size(); i < 5; ++i) line.push_back(' ');
  line.append(level_color(record.level));
  line.append(level);
  if (color_) line.append(kReset);
  line.push_back(' ');
  for (std::size_t i = 0; i < record.spans.size(); ++i) {
    if (i > 0) line.push_back(':');
    append_terminal_safe(line, record.spans[i].name);
  }
  if (!record.spans.empty()) line.push_back(' ');
  append_terminal_safe(line, record.target);
  line.push_back(':');
  if (record.message) {
    line.push_back(' ');
    append_terminal_safe(line, *record.message);
  }
  for (const Field& field : record.fields) {
    line.push_back(' ');
    append_terminal_safe(line, field.key);
    line.push_back('=');
    if (field.value.kind == ValueKind::String) {
      append_terminal_value(line, field.value.text);
    } else if (field.value.kind == ValueKind::Null) {
      line.append(std::string_view("null"));
    } else {
      append_terminal_safe(line, field.value.text);
    }
  }
}

}  // namespace pkgly_trail
