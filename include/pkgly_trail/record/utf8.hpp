#pragma once
// UTF-8 validation shared by the JSON reader (repairs a record), the JSON writer, the
// terminal-safe text writer and the SQLite sink.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pkgly_trail::utf8 {

struct Decoded {
  std::uint32_t code_point = 0;
  std::size_t length = 0;  // 0: the byte at `pos` does not start a well-formed sequence
};

// Decodes one character at text[pos] (pos < size) following the well-formed byte sequences of
// Unicode table 3-7: overlong forms, surrogates, values above U+10FFFF and truncated sequences
// are invalid, so a caller can replace exactly the offending byte and go on with the next.
inline Decoded decode(std::string_view text, std::size_t pos) noexcept {
  auto byte = [&](std::size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0x100u;
  };
  auto in = [&](std::size_t i, unsigned lo, unsigned hi) {
    const unsigned b = byte(i);
    return b >= lo && b <= hi;
  };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!in(1, 0x80, 0xBF)) return {};
    return {((b0 & 0x1Fu) << 6) | (byte(1) & 0x3Fu), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
    if (!in(1, lo, hi) || !in(2, 0x80, 0xBF)) return {};
    return {((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;  // above F4 8F is beyond U+10FFFF
    if (!in(1, lo, hi) || !in(2, 0x80, 0xBF) || !in(3, 0x80, 0xBF)) return {};
    return {((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
                (byte(3) & 0x3Fu),
            4};
  }
  return {};
}

// `text` itself when it is well-formed UTF-8 (the usual case: no copy); otherwise a copy in
// `scratch` where each byte that is not part of a well-formed sequence became U+FFFD, the rule
// of the JSON writer, for consumers that require UTF-8 (SQLite's TEXT).
inline std::string_view valid_or_replaced(std::string_view text, std::string& scratch) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = decode(text, i).length;
    if (length == 0) break;
    i += length;
  }
  if (i == text.size()) return text;
  scratch.assign(text.substr(0, i));
  while (i < text.size()) {
    const std::size_t length = decode(text, i).length;
    if (length == 0) {
      scratch.append("\xEF\xBF\xBD");
      ++i;
    } else {
      scratch.append(text.substr(i, length));
      i += length;
    }
  }
  return scratch;
}

}  // namespace pkgly_trail::utf8
