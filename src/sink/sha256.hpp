#pragma once
// SHA-256 (FIPS 180-4), for the content key of an audit event in the SQLite sink. A
// cryptographic hash, not a fast one, because the key decides what a re-run skips: log
// content is partly written by attackers, who must not be able to craft a new event whose key
// collides with an old one and so keep it out of the database.
#include <array>
#include <cstdint>
#include <string_view>

namespace pkgly_trail {

class Sha256 {
 public:
  Sha256() noexcept { reset(); }
  void reset() noexcept;
  void update(std::string_view bytes) noexcept;
  std::array<std::uint8_t, 32> digest() noexcept;  // ends the message; reset() to reuse

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_size_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

}  // namespace pkgly_trail
