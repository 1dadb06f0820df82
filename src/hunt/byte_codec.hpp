#pragma once
// Private to the hunt stage: the byte strings that group keys and saved correlation windows are
// made of. Integers are 8 bytes little-endian, a string is its length then its bytes, so any
// bytes (NUL, newlines, a megabyte of them) round-trip and two different tuples never encode
// the same. The reader never trusts what it reads: a length beyond the end fails it, and every
// read after a failure fails too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pkgly_trail::hunt {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u64(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void bytes(std::string_view value) {
    u64(value.size());
    out_.append(value);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) noexcept : in_(in) {}
  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return ok_ && in_.empty(); }
  // A count of items that follow, each at least `min_item_size` bytes: more than could fit in
  // what is left fails, so a forged count cannot make the caller reserve gigabytes.
  std::size_t count(std::size_t min_item_size) noexcept {
    const std::uint64_t n = u64();
    if (!ok_ || (min_item_size > 0 && n > in_.size() / min_item_size)) return fail(), 0;
    return static_cast<std::size_t>(n);
  }
  std::uint8_t u8() noexcept {
    if (!ok_ || in_.empty()) return fail(), 0;
    const auto value = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return value;
  }
  std::uint64_t u64() noexcept {
    if (!ok_ || in_.size() < 8) return fail(), 0;
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
      value |= std::uint64_t{static_cast<unsigned char>(in_[static_cast<std::size_t>(i)])}
               << (8 * i);
    in_.remove_prefix(8);
    return value;
  }
  std::int64_t i64() noexcept { return static_cast<std::int64_t>(u64()); }
  std::string_view bytes() noexcept {
    const std::uint64_t size = u64();
    if (!ok_ || size > in_.size()) return fail(), std::string_view();
    const std::string_view value = in_.substr(0, static_cast<std::size_t>(size));
    in_.remove_prefix(static_cast<std::size_t>(size));
    return value;
  }
  void fail() noexcept { ok_ = false; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace pkgly_trail::hunt
