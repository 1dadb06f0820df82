// `pretty` records:
//     <time> <LEVEL> <target>: <message>, <key>: <value>, ...
//       at <file>:<line>
//       in <span target>::<span name> with <key>: <value>, ...     (innermost span first)
#include <algorithm>

#include "pkgly_trail/parse/field_syntax.hpp"
#include "pkgly_trail/parse/schema.hpp"
#include "pkgly_trail/parse/text_formats.hpp"

namespace pkgly_trail {

namespace {

constexpr std::string_view kAtLine = "\n    at ";
constexpr std::string_view kInLine = "\n    in ";

std::size_t skip_spaces(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos;
}

// `pkgly::requests::HTTP request with url.path: "...", ...`
void parse_span_line(std::string_view line, Record& out) {
  std::size_t with = line.find(" with ");
  std::string_view path = line.substr(0, with);
  std::size_t sep = path.rfind("::");
  std::string_view name = sep == std::string_view::npos ? path : path.substr(sep + 2);
  Span span{name, static_cast<std::uint32_t>(out.span_fields.size()), 0};
  if (with != std::string_view::npos)
    split_fields(line.substr(with + 6), kPrettySyntax, false, nullptr, out.span_fields, out.arena);
  span.field_count = static_cast<std::uint32_t>(out.span_fields.size() - span.first_field);
  out.spans.push_back(span);
}

}  // namespace

bool starts_pretty_record(std::string_view body) noexcept {
  return body.size() > 22 && body[0] == ' ' && body[1] == ' ' && body[2] >= '0' && body[2] <= '9' &&
         timestamp_length(body.substr(2)) > 0;
}

bool parse_pretty_record(std::string_view text, Record& out) {
  if (!starts_pretty_record(text)) return false;
  std::size_t pos = 2;
  std::size_t length = timestamp_length(text.substr(pos));
  out.timestamp = text.substr(pos, length);
  pos = skip_spaces(text, pos + length);
  std::size_t level_end = pos;
  while (level_end < text.size() && text[level_end] >= 'A' && text[level_end] <= 'Z') ++level_end;
  auto level = parse_level(text.substr(pos, level_end - pos));
  if (!level) return false;
  out.level = *level;
  pos = skip_spaces(text, level_end);

  std::size_t event_end = std::min(text.find(kAtLine, pos), text.find(kInLine, pos));
  if (event_end == std::string_view::npos) event_end = text.size();
  std::string_view event = text.substr(pos, event_end - pos);
  // The target is a module path: the first ':' that is not part of "::" ends it.
  std::size_t colon = 0;
  while ((colon = event.find(':', colon)) != std::string_view::npos && colon + 1 < event.size() &&
         event[colon + 1] == ':')
    colon += 2;
  if (colon == std::string_view::npos || colon == 0) return false;
  out.target = event.substr(0, colon);
  std::string_view rest = event.substr(std::min(colon + 2, event.size()));
  out.format = Format::Pretty;
  split_event_fields(rest, kPrettySyntax, out);

  // Span lines, innermost first; a span value may itself continue over several lines.
  for (std::size_t in = text.find(kInLine, event_end); in != std::string_view::npos;) {
    std::size_t begin = in + kInLine.size();
    std::size_t next = text.find(kInLine, begin);
    std::string_view line =
        text.substr(begin, next == std::string_view::npos ? next : next - begin);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
    parse_span_line(line, out);
    in = next;
  }
  std::reverse(out.spans.begin(), out.spans.end());
  out.derive_ids();
  return true;
}

}  // namespace pkgly_trail
