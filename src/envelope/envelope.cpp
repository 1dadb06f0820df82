#include "pkgly_trail/envelope/envelope.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "ansi.hpp"
#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_service_name_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
         c == '.';
}

// Skips colour sequences at `pos`; `colour_open` tells whether the last one set a colour.
std::size_t skip_colour(std::string_view line, std::size_t pos, bool& colour_open) noexcept {
  while (const std::size_t length = colour_sequence_length(line.substr(pos))) {
    colour_open = !is_colour_reset(line.substr(pos, length));
    pos += length;
  }
  return pos;
}

// `pkgly-1  | ` (compose v2) or `pkgly_1  | ` (v1), maybe coloured as a whole
// (`ESC[36mpkgly-1  | ESC[0m`) or around the bar. Returns where the body starts, or 0.
std::size_t match_compose_prefix(std::string_view line, Envelope& envelope) noexcept {
  bool colour_open = false;
  std::size_t pos = skip_colour(line, 0, colour_open);
  const std::size_t name_start = pos;
  while (pos < line.size() && is_service_name_char(line[pos])) ++pos;
  const std::string_view name = line.substr(name_start, pos - name_start);
  // Service names may contain '-' and '_' themselves: the replica is after the last one.
  const std::size_t separator = name.find_last_of("-_");
  if (separator == std::string_view::npos || separator == 0 || separator + 1 == name.size()) {
    return 0;
  }
  const std::string_view replica = name.substr(separator + 1);
  for (const char c : replica) {
    if (!is_digit(c)) return 0;
  }

  std::size_t padding = 0;
  for (;;) {
    if (pos < line.size() && line[pos] == ' ') {
      ++pos;
      ++padding;
    } else if (colour_sequence_length(line.substr(pos)) > 0) {
      pos = skip_colour(line, pos, colour_open);
    } else {
      break;
    }
  }
  if (padding == 0 || pos == line.size() || line[pos] != '|') return 0;
  pos = skip_colour(line, pos + 1, colour_open);
  if (pos < line.size()) {
    if (line[pos] != ' ') return 0;
    ++pos;
    // The reset that closes a prefix coloured as a whole; the body's own codes stay.
    const std::size_t length = colour_sequence_length(line.substr(pos));
    if (colour_open && length > 0 && is_colour_reset(line.substr(pos, length))) pos += length;
  }
  envelope.service = name.substr(0, separator);
  envelope.replica = replica;
  return pos;
}

// `[pod/NAME/CONTAINER] ` from `kubectl logs --prefix`. Returns where the body starts, or 0.
std::size_t match_kubectl_prefix(std::string_view line, Envelope& envelope) noexcept {
  if (line.empty() || line[0] != '[') return 0;
  const std::size_t close = line.find(']');
  if (close == std::string_view::npos) return 0;
  const std::string_view inside = line.substr(1, close - 1);
  const std::size_t first_slash = inside.find('/');
  const std::size_t last_slash = inside.rfind('/');
  if (first_slash == std::string_view::npos || first_slash == 0 ||
      last_slash != inside.find('/', first_slash + 1) || last_slash == first_slash + 1 ||
      last_slash + 1 == inside.size() || inside.find(' ') != std::string_view::npos) {
    return 0;
  }
  if (close + 1 < line.size() && line[close + 1] != ' ') return 0;
  envelope.service = inside.substr(last_slash + 1);
  return std::min(close + 2, line.size());
}

// Does a tracing level come next (after spaces and colour), as in `  INFO` or `ESC[32m INFO`?
bool starts_with_level(std::string_view text) noexcept {
  std::size_t pos = 0;
  bool colour_open = false;
  for (;;) {
    if (pos < text.size() && text[pos] == ' ') {
      ++pos;
    } else if (colour_sequence_length(text.substr(pos)) > 0) {
      pos = skip_colour(text, pos, colour_open);
    } else {
      break;
    }
  }
  constexpr std::array<std::string_view, 5> kLevels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  const std::string_view rest = text.substr(pos);
  for (const std::string_view level : kLevels) {
    if (rest.starts_with(level) && (rest.size() == level.size() || rest[level.size()] == ' ' ||
                                    rest[level.size()] == kEscape)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Envelope strip_envelope(std::string_view line, bool stamped_input) noexcept {
  Envelope envelope;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  std::size_t body = match_compose_prefix(line, envelope);
  // kubectl puts its prefix before the `--timestamps` time, so it goes first.
  if (body == 0) body = match_kubectl_prefix(line, envelope);
  line.remove_prefix(body);

  // A tracing `full` or `compact` line without colour starts with its own time followed by
  // the level; that time is the record's and must stay (but see `stamped_input`).
  if (const std::size_t time = rfc3339_length(line);
      time > 0 && (time == line.size() || line[time] == ' ')) {
    const std::string_view rest = line.substr(std::min(time + 1, line.size()));
    if (stamped_input || !starts_with_level(rest)) {
      envelope.stamped = line;
      line = rest;
      envelope.had_timestamp = true;
    }
  }
  envelope.body = line;
  return envelope;
}

}  // namespace pkgly_trail
