#pragma once
// gzip decompression of an InputStream, member after member as `zcat` does, so a rotated
// log that was appended to with `gzip >>` reads whole.
#include <zlib.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "input_stream.hpp"

namespace pkgly_trail {

inline bool starts_with_gzip_magic(std::span<const char> bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

class GzipSource {
 public:
  // Every compressed byte comes from `input` (the bytes it peeked at to tell the format
  // included), read straight into a buffer of this class's own, never more than it holds.
  explicit GzipSource(InputStream& input);
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;
  ~GzipSource();

  // Decompresses into `out`. Returns what was decoded before a problem first; the problem
  // itself (truncated or corrupt stream, read error) comes with the next call. Stopped when
  // the input was stopped (handler.should_stop()).
  ReadResult read_some(std::span<char> out, LineHandler& handler);
  const std::string& error() const noexcept { return error_; }

 private:
  ReadResult fail(std::string what, std::size_t produced);

  InputStream& input_;
  z_stream zlib_{};
  bool zlib_ready_ = false;
  bool between_members_ = false;  // the last member ended; more input starts another
  bool failed_ = false;
  std::unique_ptr<char[]> compressed_;
  std::string error_;
};

}  // namespace pkgly_trail
