// `full` and `compact` records:
//   <time> <LEVEL> <span1>{<fields>}:<span2>: <target>: <message> <k=v ...>      (full)
//   <time> <LEVEL> [span1::span2] <target>: <message> <k=v ...>                  (compact)
// With ANSI, `full` wraps each part in fixed escape codes; values are never coloured, so an
// escape code inside a value is content and is kept.
#include "line_format.hpp"

#include <algorithm>
#include <array>

#include "debug_string.hpp"
#include "field_syntax.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/record/sgr.hpp"
#include "schema.hpp"
#include "span_cache.hpp"

namespace pkgly_trail {

namespace {

using sgr::kBold;
using sgr::kDim;
using sgr::kReset;
constexpr std::string_view kAnsiSpanOpen = "\x1b[1m{\x1b[0m";
constexpr std::string_view kAnsiSpanClose = "\x1b[1m}\x1b[0m";
constexpr std::string_view kAnsiColon = "\x1b[2m:\x1b[0m";

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool at_end() const noexcept { return pos >= text.size(); }
  char peek() const noexcept { return at_end() ? '\0' : text[pos]; }
  bool looking_at(std::string_view s) const noexcept { return matches_at(text, pos, s); }
  bool consume(std::string_view s) noexcept {
    if (!looking_at(s)) return false;
    pos += s.size();
    return true;
  }
  void skip_spaces() noexcept {
    while (peek() == ' ') ++pos;
  }
  // One SGR colour sequence, ESC [ digits/; m.
  bool consume_sgr() noexcept {
    if (!looking_at("\x1b[")) return false;
    std::size_t i = pos + 2;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == ';')) ++i;
    if (i >= text.size() || text[i] != 'm') return false;
    pos = i + 1;
    return true;
  }
  std::string_view rest() const noexcept { return text.substr(std::min(pos, text.size())); }
};

struct Header {
  bool dimmed_time = false;
  bool coloured_level = false;
  bool padded_level = false;
};

// <time> <LEVEL> and the space after it.
bool parse_header(Cursor& c, Record& out, Header& header) {
  header.dimmed_time = c.consume(kDim);
  std::size_t length = rfc3339_length(c.rest());
  if (length == 0) return false;
  out.timestamp = c.text.substr(c.pos, length);
  c.pos += length;
  if (header.dimmed_time && !c.consume(kReset)) return false;
  if (!c.consume(" ")) return false;
  header.padded_level = c.peek() == ' ';
  c.skip_spaces();
  header.coloured_level = c.consume_sgr();
  header.padded_level = header.padded_level || c.peek() == ' ';
  c.skip_spaces();
  std::size_t begin = c.pos;
  while (c.peek() >= 'A' && c.peek() <= 'Z') ++c.pos;
  auto level = parse_level(c.text.substr(begin, c.pos - begin));
  if (!level) return false;
  out.level = *level;
  if (header.coloured_level && !c.consume(kReset)) return false;
  return c.at_end() || c.consume(" ");
}

void add_span(Record& out, std::string_view name, std::string_view fields,
              const FieldSyntax& syntax, SpanCache* cache) {
  Span span{name, static_cast<std::uint32_t>(out.span_fields.size()), 0};
  if (!fields.empty()) {
    if (cache) {
      cache->split(fields, syntax, out);
    } else {
      split_fields(fields, syntax, false, nullptr, out.span_fields, out.arena);
    }
  }
  span.field_count = static_cast<std::uint32_t>(out.span_fields.size() - span.first_field);
  out.spans.push_back(span);
}

// The '}' closing a plain span's field list: quoted strings are skipped and brackets of
// Debug-formatted values (`AuthToken { id: 17, .. }`) are balanced.
std::size_t find_plain_span_close(std::string_view text, std::size_t from) noexcept {
  int depth = 0;
  for (std::size_t i = from; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '"') {
      if (auto length = debug_string_length(text.substr(i))) i += *length - 1;
    } else if (ch == '(' || ch == '[' || ch == '{') {
      ++depth;
    } else if (ch == ')' || ch == ']') {
      depth = std::max(0, depth - 1);
    } else if (ch == '}') {
      if (depth == 0) {
        if (i + 1 < text.size() && text[i + 1] == ':') return i;
        break;  // unbalanced Display value: fall back below
      }
      --depth;
    }
  }
  std::size_t naive = text.find("}:", from);
  return naive;
}

bool is_target_char(char ch) noexcept {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == ':' || ch == '-' || ch == '.';
}

bool looks_like_target(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_target_char);
}

// End of a segment name: the first '{', or ':' that is not part of '::'.
std::size_t segment_end(std::string_view text, std::size_t from) noexcept {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '{') return i;
    if (text[i] == ':') {
      if (i + 1 < text.size() && text[i + 1] == ':') {
        ++i;
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

// Does a `target: ` (a module path) start at pos?
bool target_follows(std::string_view text, std::size_t pos) noexcept {
  std::size_t end = segment_end(text, pos);
  if (end == std::string_view::npos || text[end] != ':') return false;
  std::string_view name = text.substr(pos, end - pos);
  return looks_like_target(name) && name.find("::") != std::string_view::npos &&
         (end + 1 == text.size() || text[end + 1] == ' ');
}

// Spans and target of plain `full`. Spans are joined by ':', the last one is followed by
// ": ", then comes the target and ": ".
bool parse_plain_spans(Cursor& c, Record& out, SpanCache* cache) {
  bool previous_was_span = false;  // the segment before was a span joined by ':'
  bool spans_done = false;
  while (true) {
    std::size_t end = segment_end(c.text, c.pos);
    if (end == std::string_view::npos) {
      // `target:` is required; a record without one is not a record.
      return false;
    }
    std::string_view name = c.text.substr(c.pos, end - c.pos);
    if (c.text[end] == '{' && !spans_done) {
      std::size_t close = find_plain_span_close(c.text, end + 1);
      if (close == std::string_view::npos) return false;
      add_span(out, name, c.text.substr(end + 1, close - end - 1), kPlainSyntax, cache);
      c.pos = close + 2;  // past "}:"
      if (c.consume(" ")) spans_done = true;
      previous_was_span = true;
      continue;
    }
    if (c.text[end] != ':') return false;
    bool followed_by_space = end + 1 == c.text.size() || c.text[end + 1] == ' ';
    if (!spans_done && !followed_by_space) {
      add_span(out, name, {}, kPlainSyntax, nullptr);
      c.pos = end + 1;
      previous_was_span = true;
      continue;
    }
    bool is_span = !spans_done &&
                   (previous_was_span || !looks_like_target(name) ||
                    (name.find("::") == std::string_view::npos && target_follows(c.text, end + 2)));
    c.pos = std::min(end + 2, c.text.size());
    if (is_span) {
      add_span(out, name, {}, kPlainSyntax, nullptr);
      spans_done = true;
      continue;
    }
    if (!looks_like_target(name)) return false;
    out.target = name;
    return true;
  }
}

bool parse_ansi_spans(Cursor& c, Record& out, SpanCache* cache) {
  while (c.consume(kBold)) {
    std::size_t end = c.text.find(kReset, c.pos);
    if (end == std::string_view::npos) return false;
    std::string_view name = c.text.substr(c.pos, end - c.pos);
    c.pos = end + kReset.size();
    std::string_view fields;
    if (c.consume(kAnsiSpanOpen)) {
      std::size_t close = c.text.find(kAnsiSpanClose, c.pos);
      if (close == std::string_view::npos) return false;
      fields = c.text.substr(c.pos, close - c.pos);
      c.pos = close + kAnsiSpanClose.size();
    }
    add_span(out, name, fields, kAnsiSyntax, cache);
    if (!c.consume(kAnsiColon)) return false;
  }
  c.consume(" ");
  if (!c.consume(kDim)) return false;
  std::size_t end = c.text.find(kReset, c.pos);
  if (end == std::string_view::npos) return false;
  out.target = c.text.substr(c.pos, end - c.pos);
  c.pos = end + kReset.size();
  if (!c.consume(kAnsiColon)) return false;
  c.consume(" ");
  return looks_like_target(out.target);
}

// [span1::span2] target:
bool parse_compact_spans(Cursor& c, Record& out) {
  c.consume("[");
  std::size_t close = c.text.find("] ", c.pos);
  if (close == std::string_view::npos) return false;
  std::string_view names = c.text.substr(c.pos, close - c.pos);
  while (!names.empty()) {
    std::size_t sep = names.find("::");
    add_span(out, names.substr(0, sep), {}, kPlainSyntax, nullptr);
    if (sep == std::string_view::npos) break;
    names.remove_prefix(sep + 2);
  }
  c.pos = close + 2;
  std::size_t end = segment_end(c.text, c.pos);
  if (end == std::string_view::npos || c.text[end] != ':') return false;
  out.target = c.text.substr(c.pos, end - c.pos);
  c.pos = std::min(end + 2, c.text.size());
  return looks_like_target(out.target);
}

}  // namespace

namespace {
// Pkgly's messages that are formatted with user text and carry no fields
// (`info!("Saving File: {}", path)`, docker's handlers): everything after the target is the
// message, so a ` key=value` inside the path is not split off as a field.
constexpr std::array<std::string_view, 14> kWholeTextMessages{
    "Saving File: ",
    "Handling PUT Request for Repository: ",
    "Loaded Push Rules Config: ",
    "Docker V2 catchall handler - path: ",
    "Getting manifest: ",
    "Checking manifest: ",
    "Getting blob: ",
    "Uploading manifest: ",
    "Initiating blob upload for: ",
    "Uploading blob chunk: ",
    "Completing blob upload: ",
    "Listing tags for repository: ",
    "Docker ",  // "Docker {method} request path: {parts:?}"
    "listening on ",
};

bool is_whole_text_message(std::string_view text) noexcept {
  for (std::string_view prefix : kWholeTextMessages) {
    if (!text.starts_with(prefix)) continue;
    if (prefix != "Docker ") return true;
    return text.find(" request path: ") != std::string_view::npos;
  }
  return false;
}
}  // namespace

void split_event_fields(std::string_view text, const FieldSyntax& syntax, Record& out) {
  if (is_whole_text_message(text)) {
    out.message = text;
    return;
  }
  if (const Schema* schema = find_schema(out.target)) {
    std::size_t kept = out.fields.size();
    bool ends_in_text = false;
    bool ambiguous = false;
    if (split_by_schema(text, *schema, syntax, out.message, out.fields, out.arena, &ends_in_text,
                        &ambiguous)) {
      out.schema_fit = ends_in_text ? SchemaFit::OpenEnded : SchemaFit::Complete;
      if (ambiguous)
        out.suspect =
            "a free-text value holds later fields with valid values: more than one split fits";
      return;
    }
    out.fields.resize(kept);
    out.schema_fit =
        unfinished_by_schema(text, *schema, syntax) ? SchemaFit::Unfinished : SchemaFit::Broken;
  }
  split_fields(text, syntax, true, &out.message, out.fields, out.arena);
}

bool starts_line_record(std::string_view body) noexcept {
  if (body.empty() || (body[0] != '\x1b' && (body[0] < '0' || body[0] > '9'))) return false;
  Record probe_free;  // parse_header only writes timestamp and level
  Cursor c{body};
  Header header;
  return parse_header(c, probe_free, header);
}

bool line_record_cut_in_spans(std::string_view text) noexcept {
  Record probe;  // parse_header only writes timestamp and level
  Cursor c{text};
  Header header;
  if (!parse_header(c, probe, header) || c.peek() == '[') return false;
  if (c.looking_at(kBold)) {
    while (c.consume(kBold)) {
      const std::size_t name_end = c.text.find(kReset, c.pos);
      if (name_end == std::string_view::npos) return true;
      c.pos = name_end + kReset.size();
      if (c.consume(kAnsiSpanOpen)) {
        const std::size_t close = c.text.find(kAnsiSpanClose, c.pos);
        if (close == std::string_view::npos) return true;
        c.pos = close + kAnsiSpanClose.size();
      }
      if (!c.consume(kAnsiColon)) return false;
    }
    return false;
  }
  for (;;) {
    const std::size_t end = segment_end(c.text, c.pos);
    if (end == std::string_view::npos || c.text[end] != '{') return false;
    const std::size_t close = find_plain_span_close(c.text, end + 1);
    if (close == std::string_view::npos) return true;
    c.pos = close + 2;
    if (c.peek() == ' ') return false;
  }
}

bool parse_line_record(std::string_view text, Record& out, SpanCache* cache,
                       std::string_view* why) {
  auto fail = [why](std::string_view reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  Cursor c{text};
  Header header;
  if (!parse_header(c, out, header)) return fail("no time and tracing level where it starts");
  bool ansi = false;
  bool compact = false;
  if (c.peek() == '[') {
    compact = true;
    if (!parse_compact_spans(c, out)) return fail("its span list ([...]) is not closed");
  } else if (c.looking_at(kBold) || c.looking_at(kDim)) {
    ansi = true;
    if (!parse_ansi_spans(c, out, cache))
      return fail("no `target:` (after any spans) where tracing writes it");
  } else if (!parse_plain_spans(c, out, cache)) {
    return fail("no `target:` (after any spans) where tracing writes it");
  }
  // Pkgly's compact format colours only the level and does not pad it.
  out.format =
      compact || (!header.dimmed_time && header.coloured_level && !ansi) ||
              (!header.padded_level && (out.level == Level::Info || out.level == Level::Warn))
          ? Format::Compact
          : Format::Full;
  split_event_fields(c.rest(), ansi ? kAnsiSyntax : kPlainSyntax, out);
  out.derive_ids();
  return true;
}

}  // namespace pkgly_trail
