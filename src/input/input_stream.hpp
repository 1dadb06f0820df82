#pragma once
// Raw bytes from a file descriptor. Owns the one rule that makes `docker compose logs -f |
// pkgly-trail` show each line at once: the handler hears on_idle() before a read that may block.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "pkgly_trail/input/line_reader.hpp"

namespace pkgly_trail {

enum class ReadStatus { Data, End, Error };

struct ReadResult {
  ReadStatus status = ReadStatus::End;
  std::size_t size = 0;  // bytes produced when status is Data
};

class InputStream {
 public:
  // "-" is stdin, which is borrowed, not closed. Throws InputError naming the file.
  static InputStream open(const std::string& name);

  InputStream(InputStream&& other) noexcept;
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;
  InputStream& operator=(InputStream&&) = delete;
  ~InputStream();

  ReadResult read_some(std::span<char> buffer, LineHandler& handler);
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  // Why the last read failed (strerror text).
  const std::string& error() const noexcept { return error_; }

 private:
  InputStream(int fd, bool owned, bool may_block) noexcept
      : fd_(fd), owned_(owned), may_block_(may_block) {}
  bool data_ready() const noexcept;

  int fd_ = -1;
  bool owned_ = false;
  bool may_block_ = false;  // a pipe, tty or socket; regular files never block
  std::uint64_t bytes_read_ = 0;
  std::string error_;
};

}  // namespace pkgly_trail
