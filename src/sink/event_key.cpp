#include "pkgly_trail/sink/event_key.hpp"

#include "sha256.hpp"

namespace pkgly_trail {

namespace {

EventKey hex_key(Sha256& sha256) noexcept {
  const std::array<std::uint8_t, 32> digest = sha256.digest();
  constexpr char kHex[] = "0123456789abcdef";
  EventKey key{};
  for (std::size_t i = 0; i < key.size() / 2; ++i) {
    key[2 * i] = kHex[digest[i] >> 4];
    key[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return key;
}

}  // namespace

EventKey event_key_of(std::string_view record_json) noexcept {
  // The last `,"source":{"input":` is that member: inside the input string a quote is escaped.
  const std::size_t source = record_json.rfind(",\"source\":{\"input\":");
  Sha256 sha256;
  sha256.update(record_json.substr(0, source));
  sha256.update("}");
  return hex_key(sha256);
}

EventKey content_key(std::string_view text) noexcept {
  Sha256 sha256;
  sha256.update(text);
  return hex_key(sha256);
}

}  // namespace pkgly_trail
