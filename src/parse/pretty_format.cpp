// `pretty` records:
//     <time> <LEVEL> <target>: <message>, <key>: <value>, ...
//       at <file>:<line>
//       in <span target>::<span name> with <key>: <value>, ...     (innermost span first)
// With ANSI (Pkgly's default) tracing-subscriber's Pretty formatter styles every part with the
// level's colour C (TRACE 35, DEBUG 34, INFO 32, WARN 33, ERROR 31); values are never styled:
//     ESC[2m<time>ESC[0m ESC[3Cm<LEVEL>ESC[0m ESC[1;3Cm<target>ESC[0mESC[3Cm: ESC[3Cm<message>,
//       ESC[1;3Cm<key>ESC[0mESC[3Cm: <value>, ... ESC[0m
//     ESC[2;3matESC[0m <file>:<line>
//     ESC[2;3minESC[0m <span target>::ESC[1m<span name>ESC[0m ESC[2;3mwithESC[0m
//       ESC[1m<key>ESC[0m: <value>, ...
// The styles sit only where the formatter puts them, so an escape code inside a value is
// content and is kept.
#include "pretty_format.hpp"

#include <algorithm>
#include <array>

#include "field_syntax.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/record/sgr.hpp"
#include "schema.hpp"

namespace pkgly_trail {

namespace {

constexpr std::string_view kDimOpen = sgr::kDim;
using sgr::kReset;

// The words the formatter writes at the start of the location and span lines.
struct LineWords {
  std::string_view at_line;    // "\n    at "
  std::string_view in_line;    // "\n    in "
  std::string_view with;       // " with "
  std::string_view name_open;  // before a span name
  std::string_view name_close;
};
constexpr LineWords kPlainWords{"\n    at ", "\n    in ", " with ", "", ""};
constexpr LineWords kAnsiWords{"\n    \x1b[2;3mat\x1b[0m ", "\n    \x1b[2;3min\x1b[0m ",
                               " \x1b[2;3mwith\x1b[0m ", "\x1b[1m", "\x1b[0m"};
constexpr FieldSyntax kAnsiSpanSyntax{", ", "\x1b[1m", "\x1b[0m: "};

// The event-field syntax of each level's colour, indexed by Level.
struct LevelStyle {
  std::string_view colour;  // ESC[3Cm
  FieldSyntax fields;
};
constexpr std::array<LevelStyle, 5> kLevelStyles{{
    {"\x1b[35m", {", ", "\x1b[1;35m", "\x1b[0m\x1b[35m: "}},
    {"\x1b[34m", {", ", "\x1b[1;34m", "\x1b[0m\x1b[34m: "}},
    {"\x1b[32m", {", ", "\x1b[1;32m", "\x1b[0m\x1b[32m: "}},
    {"\x1b[33m", {", ", "\x1b[1;33m", "\x1b[0m\x1b[33m: "}},
    {"\x1b[31m", {", ", "\x1b[1;31m", "\x1b[0m\x1b[31m: "}},
}};

std::size_t skip_spaces(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos;
}

bool consume(std::string_view text, std::size_t& pos, std::string_view s) noexcept {
  if (!matches_at(text, pos, s)) return false;
  pos += s.size();
  return true;
}

// `pkgly::requests::HTTP request with url.path: "...", ...`
void parse_span_line(std::string_view line, const LineWords& words, const FieldSyntax& syntax,
                     Record& out) {
  std::size_t with = line.find(words.with);
  std::string_view path = line.substr(0, with);
  std::size_t sep = path.rfind("::");
  std::string_view name = sep == std::string_view::npos ? path : path.substr(sep + 2);
  if (!words.name_open.empty() && name.starts_with(words.name_open) &&
      name.ends_with(words.name_close)) {
    name = name.substr(words.name_open.size(),
                       name.size() - words.name_open.size() - words.name_close.size());
  }
  Span span{name, static_cast<std::uint32_t>(out.span_fields.size()), 0};
  if (with != std::string_view::npos)
    split_fields(line.substr(with + words.with.size()), syntax, false, nullptr, out.span_fields,
                 out.arena);
  span.field_count = static_cast<std::uint32_t>(out.span_fields.size() - span.first_field);
  out.spans.push_back(span);
}

// `  <time> <LEVEL> ` (plain) or its ANSI form; returns the position after it, or npos.
std::size_t parse_header(std::string_view text, bool ansi, Record& out) noexcept {
  std::size_t pos = 2;
  if (ansi && !consume(text, pos, kDimOpen)) return std::string_view::npos;
  const std::size_t length = rfc3339_length(text.substr(pos));
  if (length == 0) return std::string_view::npos;
  out.timestamp = text.substr(pos, length);
  pos += length;
  if (ansi) {
    if (!consume(text, pos, kReset) || !consume(text, pos, " ")) return std::string_view::npos;
    // ESC[3Cm, the level padded to five, ESC[0m.
    if (!matches_at(text, pos, "\x1b[3") || pos + 5 > text.size() || text[pos + 4] != 'm')
      return std::string_view::npos;
    pos += 5;
  }
  pos = skip_spaces(text, pos);
  std::size_t level_end = pos;
  while (level_end < text.size() && text[level_end] >= 'A' && text[level_end] <= 'Z') ++level_end;
  auto level = parse_level(text.substr(pos, level_end - pos));
  if (!level) return std::string_view::npos;
  out.level = *level;
  pos = level_end;
  if (ansi && !consume(text, pos, kReset)) return std::string_view::npos;
  return skip_spaces(text, pos);
}

}  // namespace

bool starts_pretty_record(std::string_view body) noexcept {
  if (body.size() < 22 || body[0] != ' ' || body[1] != ' ') return false;
  if (body[2] >= '0' && body[2] <= '9') return rfc3339_length(body.substr(2)) > 0;
  return body.substr(2).starts_with(kDimOpen) && body.size() > 6 && body[6] >= '0' &&
         body[6] <= '9' && rfc3339_length(body.substr(6)) > 0;
}

bool parse_pretty_record(std::string_view text, Record& out, std::string_view* why) {
  auto fail = [why](std::string_view reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (!starts_pretty_record(text)) return fail("no pretty header (time and level) where it starts");
  const bool ansi = text[2] == '\x1b';
  std::size_t pos = parse_header(text, ansi, out);
  if (pos == std::string_view::npos) return fail("its header line (time and level) is cut");
  const LevelStyle& style = kLevelStyles[static_cast<std::size_t>(out.level)];
  const LineWords& words = ansi ? kAnsiWords : kPlainWords;

  std::size_t event_end = std::min(text.find(words.at_line, pos), text.find(words.in_line, pos));
  if (event_end == std::string_view::npos) event_end = text.size();
  std::string_view event = text.substr(pos, event_end - pos);
  if (ansi) {
    // ESC[1;3Cm<target>ESC[0mESC[3Cm: ... ESC[0m
    const std::string_view& target_open = style.fields.key_open;
    if (!event.starts_with(target_open)) return fail("no `target:` after the header");
    event.remove_prefix(target_open.size());
    const std::size_t close = event.find(style.fields.key_close);
    if (close == std::string_view::npos || close == 0) return fail("no `target:` after the header");
    out.target = event.substr(0, close);
    event.remove_prefix(close + style.fields.key_close.size());
    if (event.ends_with(kReset)) event.remove_suffix(kReset.size());
    // The message is written after the level's colour; fields start with their key.
    if (event.starts_with(style.colour)) event.remove_prefix(style.colour.size());
  } else {
    // The target is a module path: the first ':' that is not part of "::" ends it.
    std::size_t colon = 0;
    while ((colon = event.find(':', colon)) != std::string_view::npos && colon + 1 < event.size() &&
           event[colon + 1] == ':')
      colon += 2;
    if (colon == std::string_view::npos || colon == 0) return fail("no `target:` after the header");
    out.target = event.substr(0, colon);
    event = event.substr(std::min(colon + 2, event.size()));
  }
  out.format = Format::Pretty;
  split_event_fields(event, ansi ? style.fields : kPrettySyntax, out);

  // Span lines, innermost first; a span value may itself continue over several lines.
  const FieldSyntax& span_syntax = ansi ? kAnsiSpanSyntax : kPrettySyntax;
  for (std::size_t in = text.find(words.in_line, event_end); in != std::string_view::npos;) {
    std::size_t begin = in + words.in_line.size();
    std::size_t next = text.find(words.in_line, begin);
    std::string_view line =
        text.substr(begin, next == std::string_view::npos ? next : next - begin);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
    parse_span_line(line, words, span_syntax, out);
    in = next;
  }
  std::reverse(out.spans.begin(), out.spans.end());
  out.derive_ids();
  return true;
}

}  // namespace pkgly_trail
