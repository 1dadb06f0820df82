#include "pkgly_trail/sink/event_key.hpp"

#include "sha256.hpp"

namespace pkgly_trail {

EventKey event_key_of(std::string_view record_json) noexcept {
  // The last `,"source":{"input":` is that member: inside the input string a quote is escaped.
  const std::size_t source = record_json.rfind(",\"source\":{\"input\":");
  Sha256 sha256;
  sha256.update(record_json.substr(0, source));
  sha256.update("}");
  const std::array<std::uint8_t, 32> digest = sha256.digest();
  constexpr char kHex[] = "0123456789abcdef";
  EventKey key{};
  for (std::size_t i = 0; i < key.size() / 2; ++i) {
    key[2 * i] = kHex[digest[i] >> 4];
    key[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return key;
}

}  // namespace pkgly_trail
