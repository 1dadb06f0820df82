#pragma once
// How a text format writes `key=value` pairs. The same splitting code serves all of them.
#include <cstddef>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

struct FieldSyntax {
  std::string_view separator;  // between pairs: " " (full, compact) or ", " (pretty)
  std::string_view key_open;   // before a key: "" or "\x1b[3m" (full with ANSI: italic)
  std::string_view key_close;  // after a key: "=", "\x1b[0m\x1b[2m=\x1b[0m" or ": "
};

// Does `s` occur in `text` at `pos`? False (never an exception) when it would run past the end.
// Inlined byte loop: the strings compared here are a few bytes long, and this is the parser's
// innermost operation.
inline bool matches_at(std::string_view text, std::size_t pos, std::string_view s) noexcept {
  if (pos > text.size() || text.size() - pos < s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (text[pos + i] != s[i]) return false;
  return true;
}

inline constexpr FieldSyntax kPlainSyntax{" ", "", "="};
inline constexpr FieldSyntax kAnsiSyntax{" ", "\x1b[3m", "\x1b[0m\x1b[2m=\x1b[0m"};
inline constexpr FieldSyntax kPrettySyntax{", ", "", ": "};
// pretty with ANSI: keys in bold of the level's colour (INFO green, WARN yellow).
inline constexpr FieldSyntax kPrettyInfoSyntax{", ", "\x1b[1;32m", "\x1b[0m\x1b[32m: "};
inline constexpr FieldSyntax kPrettyWarnSyntax{", ", "\x1b[1;33m", "\x1b[0m\x1b[33m: "};

// If a key (open + identifier + close) starts at text[pos], its identifier; else empty.
std::string_view key_at(std::string_view text, std::size_t pos, const FieldSyntax& syntax) noexcept;

// Position of the next `separator key_open ident key_close` at or after `from`, or npos.
std::size_t find_next_key(std::string_view text, std::size_t from,
                          const FieldSyntax& syntax) noexcept;

// Types a bare (unquoted) value as tracing wrote it: integers, floats, booleans, else string.
Value type_bare_value(std::string_view text) noexcept;

// At most this many fields come from one split; the last one holds the rest of the text.
// Pkgly writes fewer than 30 per record or span.
inline constexpr std::size_t kMaxSplitFields = 256;

// Splits `text` into an optional message and key/value fields, appending the fields to `out`.
// Debug-quoted values are unescaped into `arena`; a bare value runs to the next key.
// `with_message`: text before the first key is the message (event fields); else it is
// ignored (span fields).
void split_fields(std::string_view text, const FieldSyntax& syntax, bool with_message,
                  std::optional<std::string_view>* message, std::vector<Field>& out,
                  TextArena& arena);

}  // namespace pkgly_trail
