// Log text on a terminal (src/sink/terminal_text.cpp): every bidirectional control is shown as
// an escape, never passed through, and a value that could pass for more than one key=value
// field is quoted.
#include "pkgly_trail/sink/terminal_text.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

namespace pkgly_trail {
namespace {

std::string safe(std::string_view text) {
  fmt::memory_buffer out;
  append_terminal_safe(out, text);
  return fmt::to_string(out);
}

std::string value(std::string_view text) {
  fmt::memory_buffer out;
  append_terminal_value(out, text);
  return fmt::to_string(out);
}

// The UTF-8 bytes of a code point of the U+0800..U+FFFF range.
std::string utf8(char32_t cp) {
  return {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
          static_cast<char>(0x80 | (cp & 0x3F))};
}

}  // namespace

TEST_CASE("terminal text: bidi embeddings - overrides and isolates are escaped",
          "[sink][terminal][security]") {
  // U+202A..U+202E (LRE RLE PDF LRO RLO) and U+2066..U+2069 (LRI RLI FSI PDI).
  for (char32_t cp : {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
    const std::string hex = fmt::format("{:x}", static_cast<std::uint32_t>(cp));
    INFO("U+" << hex);
    const std::string shown = safe("repo" + utf8(cp) + "gnp.exe");
    CHECK(shown == "repo\\u{" + hex + "}gnp.exe");
    CHECK(shown.find(utf8(cp)) == std::string::npos);
  }
  // Their neighbours are ordinary text and pass unchanged.
  for (char32_t cp : {0x2029, 0x202F, 0x2065, 0x206A}) CHECK(safe(utf8(cp)) == utf8(cp));
}

TEST_CASE("terminal values: an equals sign - a space or a double quote forces quotes",
          "[sink][terminal][security]") {
  CHECK(value("plain") == "plain");
  CHECK(value("") == "\"\"");
  CHECK(value("x=1") == "\"x=1\"");
  CHECK(value("admin outcome=success") == "\"admin outcome=success\"");
  CHECK(value("two words") == "\"two words\"");
  CHECK(value("say \"hi\"") == "\"say \\\"hi\\\"\"");
}

}  // namespace pkgly_trail
