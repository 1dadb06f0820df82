#pragma once
// Recognising ANSI escape sequences, shared by strip_ansi and the envelope's coloured
// compose prefix.
#include <cstddef>
#include <string_view>

namespace pkgly_trail {

inline constexpr char kEscape = '\x1b';

// Bytes to drop for the escape sequence at the start of `text` (which starts with ESC).
// An unterminated CSI or OSC runs to the end of `text`.
std::size_t escape_sequence_length(std::string_view text) noexcept;

// Length of a complete colour sequence (SGR, `ESC [ 1;36 m`) at the start of `text`, or 0.
std::size_t colour_sequence_length(std::string_view text) noexcept;

// `ESC [ m` or `ESC [ 0 m`: the colour ends here.
bool is_colour_reset(std::string_view sequence) noexcept;

}  // namespace pkgly_trail
