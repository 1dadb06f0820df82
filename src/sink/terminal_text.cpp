#include "pkgly_trail/sink/terminal_text.hpp"

#include "pkgly_trail/record/utf8.hpp"

namespace pkgly_trail {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_bidi_control(std::uint32_t cp) noexcept {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::size_t append_byte_escape(fmt::memory_buffer& out, unsigned char c) {
  const char code[] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
  out.append(code, code + sizeof code);
  return sizeof code;
}

std::size_t append_short_escape(fmt::memory_buffer& out, char letter) {
  out.push_back('\\');
  out.push_back(letter);
  return 2;
}

}  // namespace

std::size_t append_terminal_safe(fmt::memory_buffer& out, std::string_view text, bool quoted) {
  std::size_t width = 0;
  std::size_t run = 0;  // start of bytes copied unchanged
  std::size_t i = 0;
  auto flush_run = [&] { out.append(text.data() + run, text.data() + i); };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool special_quote = quoted && (c == '"' || c == '\\');
    if (c >= 0x20 && c < 0x7f && !special_quote) {
      ++i;
      ++width;
      continue;
    }
    std::size_t length = 1;
    if (c >= 0x80) {
      const utf8::Decoded decoded = utf8::decode(text, i);
      const bool c1 = decoded.code_point >= 0x80 && decoded.code_point <= 0x9F;
      if (decoded.length > 0 && !c1 && !is_bidi_control(decoded.code_point)) {
        i += decoded.length;
        ++width;
        continue;
      }
      flush_run();
      if (decoded.length > 0) {
        const std::size_t before = out.size();
        fmt::format_to(std::back_inserter(out), "\\u{{{:x}}}", decoded.code_point);
        width += out.size() - before;
        length = decoded.length;
      } else {
        width += append_byte_escape(out, c);
      }
    } else {
      flush_run();
      switch (c) {
        case '\n':
          width += append_short_escape(out, 'n');
          break;
        case '\t':
          width += append_short_escape(out, 't');
          break;
        case '\r':
          width += append_short_escape(out, 'r');
          break;
        case 0x1b:
          width += append_short_escape(out, 'e');
          break;
        case '"':
          width += append_short_escape(out, '"');
          break;
        case '\\':
          width += append_short_escape(out, '\\');
          break;
        default:
          width += append_byte_escape(out, c);
      }
    }
    i += length;
    run = i;
  }
  flush_run();
  return width;
}

void append_terminal_value(fmt::memory_buffer& out, std::string_view text) {
  const bool needs_quotes = text.empty() || text.find_first_of(" =\"") != std::string_view::npos;
  if (!needs_quotes) {
    append_terminal_safe(out, text);
    return;
  }
  out.push_back('"');
  append_terminal_safe(out, text, /*quoted=*/true);
  out.push_back('"');
}

}  // namespace pkgly_trail

namespace pkgly_trail {

void fit_to_width(fmt::memory_buffer& line, std::size_t start, std::size_t width) {
  if (width == 0) return;
  constexpr std::string_view kEllipsis = "\xe2\x80\xa6";  // U+2026
  const char* text = line.data();
  std::size_t columns = 0;
  std::size_t cut = std::string_view::npos;  // where the ellipsis goes if the line is too long
  bool colored = false;
  for (std::size_t i = start; i < line.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {  // one of our own SGR sequences (log text cannot contain ESC any more)
      colored = true;
      ++i;
      if (i < line.size() && text[i] == '[') ++i;
      while (i < line.size() && !(text[i] >= 0x40 && text[i] <= 0x7e)) ++i;
      ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) {  // the first byte of a character
      if (columns == width - 1) cut = i;
      if (++columns > width) {
        line.resize(cut);
        line.append(kEllipsis);
        if (colored) line.append(std::string_view("\x1b[0m"));
        return;
      }
    }
    ++i;
  }
}

}  // namespace pkgly_trail
