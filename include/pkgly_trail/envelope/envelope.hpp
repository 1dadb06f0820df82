#pragma once
// envelope stage: removes what the collecting tools wrapped around a line, so the parser sees
// the line Pkgly wrote.
#include <string_view>

namespace pkgly_trail {

struct Envelope {
  std::string_view service;    // compose service ("pkgly" for "pkgly-1  | "), or kubectl container
  std::string_view replica;    // "1" for "pkgly-1", empty when none
  std::string_view body;       // the line as the application wrote it
  bool had_timestamp = false;  // a `--timestamps` receive time was removed
  std::string_view stamped;    // the body with that receive time, when one was removed
};

// Removes, in this order: a trailing '\r'; a docker compose v2/v1 prefix (`pkgly-1  | `,
// `pkgly_1  | `, possibly wrapped in ANSI colour); a `--timestamps` RFC 3339 receive time; a
// kubectl `--prefix` (`[pod/NAME/CONTAINER] `). ANSI codes the application wrote inside the body
// are left alone: the parsers know where the formatter puts them, and inside a value they are
// content (an attacker's) that must be shown, escaped, not silently dropped.
//
// A time followed by a level (`<time>  INFO ...`) is the record's own time, not a receive
// time, unless `stamped_input`: the input's lines carry receive times (its first line had
// one), and the collector writes one on every line, so the first time on a line is always the
// receive time. A line of a value that imitates a record without a time of its own then keeps
// no time, instead of passing the collector's for its own (docs/security.md).
Envelope strip_envelope(std::string_view line, bool stamped_input = false) noexcept;

// Copies `text` to `out` without ANSI escape sequences (CSI `ESC [ ... final`, OSC
// `ESC ] ... BEL|ESC \`, and two-byte `ESC x`). Returns a view of `out`.
std::string_view strip_ansi(std::string_view text, std::string& out);

}  // namespace pkgly_trail
