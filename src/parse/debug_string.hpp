#pragma once
// Rust's Debug quoting, as tracing writes `&str` values: "..." with \" \\ \n \r \t \0 \' and
// \u{XXXX} escapes.
#include <cstddef>
#include <optional>
#include <string_view>

#include "pkgly_trail/record/text_arena.hpp"

namespace pkgly_trail {

// Length of the quoted literal starting at text[0] == '"' up to and including its closing
// quote, or nullopt when it is not closed.
std::optional<std::size_t> debug_string_length(std::string_view text) noexcept;

// The value of a hexadecimal digit, or -1 (Debug's \u{...} escapes, URLs' %XX).
int hex_digit(char c) noexcept;

// The content of a quoted literal (quotes included in `quoted`) with escapes resolved. Returns
// a view into `quoted` when there is nothing to unescape, else into `arena`.
std::string_view unescape_debug_string(std::string_view quoted, TextArena& arena);

}  // namespace pkgly_trail
