#include "debug_string.hpp"

#include <cstring>

namespace pkgly_trail {

std::optional<std::size_t> debug_string_length(std::string_view text) noexcept {
  if (text.empty() || text[0] != '"') return std::nullopt;
  const char* data = text.data();
  for (std::size_t at = 1; at < text.size();) {
    const void* hit = std::memchr(data + at, '"', text.size() - at);
    if (hit == nullptr) return std::nullopt;
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    // The quote closes the string unless an odd number of backslashes escapes it.
    std::size_t backslashes = 0;
    while (quote - backslashes > 1 && data[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    at = quote + 1;
  }
  return std::nullopt;
}

namespace {

std::size_t encode_utf8(char32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view unescape_debug_string(std::string_view quoted, TextArena& arena) {
  std::string_view body = quoted;
  if (body.size() >= 2 && body.front() == '"' && body.back() == '"')
    body = body.substr(1, body.size() - 2);
  if (body.find('\\') == std::string_view::npos) return body;

  // Unescaping never makes text longer (\u{...} is at least as long as its UTF-8).
  char* out = arena.allocate(body.size());
  std::size_t n = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 == body.size()) {
      out[n++] = c;
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'n':
        out[n++] = '\n';
        break;
      case 'r':
        out[n++] = '\r';
        break;
      case 't':
        out[n++] = '\t';
        break;
      case '0':
        out[n++] = '\0';
        break;
      case '\\':
        out[n++] = '\\';
        break;
      case '"':
        out[n++] = '"';
        break;
      case '\'':
        out[n++] = '\'';
        break;
      case 'u': {
        // \u{1b}: up to six hex digits between braces.
        std::size_t j = i + 1;
        char32_t cp = 0;
        int digits = 0;
        if (j < body.size() && body[j] == '{') {
          ++j;
          while (j < body.size() && digits < 6 && hex_digit(body[j]) >= 0) {
            cp = cp * 16 + static_cast<char32_t>(hex_digit(body[j]));
            ++j;
            ++digits;
          }
        }
        if (digits > 0 && j < body.size() && body[j] == '}' && cp <= 0x10FFFF) {
          n += encode_utf8(cp, out + n);
          i = j;
        } else {
          out[n++] = '\\';
          out[n++] = 'u';
        }
        break;
      }
      default:
        out[n++] = '\\';
        out[n++] = e;
    }
  }
  return {out, n};
}

}  // namespace pkgly_trail
