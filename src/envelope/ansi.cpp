#include "ansi.hpp"

#include <cstring>
#include <string>

#include "pkgly_trail/envelope/envelope.hpp"

namespace pkgly_trail {
namespace {

bool in_range(char c, unsigned char low, unsigned char high) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= low && byte <= high;
}

std::size_t csi_length(std::string_view text) noexcept {
  std::size_t i = 2;
  while (i < text.size() && in_range(text[i], 0x30, 0x3f)) ++i;  // parameters
  while (i < text.size() && in_range(text[i], 0x20, 0x2f)) ++i;  // intermediates
  if (i == text.size()) return i;
  if (in_range(text[i], 0x40, 0x7e)) return i + 1;
  // A byte that cannot be part of the sequence ends it and is kept: it may be content.
  return i;
}

std::size_t osc_length(std::string_view text) noexcept {
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (text[i] == '\a') return i + 1;
    if (text[i] == kEscape) {
      if (i + 1 < text.size() && text[i + 1] == '\\') return i + 2;
      // As in xterm, an ESC that is not a string terminator aborts the OSC and starts anew.
      return i;
    }
  }
  return text.size();
}

}  // namespace

std::size_t escape_sequence_length(std::string_view text) noexcept {
  if (text.size() < 2) return text.size();
  if (text[1] == '[') return csi_length(text);
  if (text[1] == ']') return osc_length(text);
  // `ESC x`, or `ESC ( B` with intermediates (character set selection).
  std::size_t i = 1;
  while (i < text.size() && in_range(text[i], 0x20, 0x2f)) ++i;
  if (i < text.size() && in_range(text[i], 0x30, 0x7e)) return i + 1;
  // ESC before a byte that cannot follow it (say a UTF-8 lead byte): drop only the ESC.
  return 1;
}

std::size_t colour_sequence_length(std::string_view text) noexcept {
  if (text.size() < 3 || text[0] != kEscape || text[1] != '[') return 0;
  std::size_t i = 2;
  while (i < text.size() && (in_range(text[i], '0', '9') || text[i] == ';')) ++i;
  return i < text.size() && text[i] == 'm' ? i + 1 : 0;
}

bool is_colour_reset(std::string_view sequence) noexcept {
  return sequence == "\x1b[m" || sequence == "\x1b[0m";
}

std::string_view strip_ansi(std::string_view text, std::string& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < text.size()) {
    const void* found = std::memchr(text.data() + pos, kEscape, text.size() - pos);
    const std::size_t escape =
        found != nullptr ? static_cast<const char*>(found) - text.data() : text.size();
    out.append(text.data() + pos, escape - pos);
    if (found == nullptr) break;
    pos = escape + escape_sequence_length(text.substr(escape));
  }
  return out;
}

}  // namespace pkgly_trail
