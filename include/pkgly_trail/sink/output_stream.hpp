#pragma once
// Buffered output to a file descriptor: formatted into one reused buffer, written in large
// blocks. A closed pipe (`| head`) is remembered, not reported as an error.
#include <fmt/format.h>

#include <string>

namespace pkgly_trail {

class OutputStream {
 public:
  explicit OutputStream(int fd = 1, std::size_t flush_threshold = 256 * 1024);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  fmt::memory_buffer& buffer() noexcept { return buffer_; }
  // Writes the buffer out when it holds more than the threshold.
  void maybe_flush() {
    if (buffer_.size() >= flush_threshold_) flush();
  }
  // Writes everything buffered. Returns false when writing failed or the reader went away.
  bool flush();
  bool broken_pipe() const noexcept { return broken_pipe_; }
  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }

 private:
  int fd_;
  std::size_t flush_threshold_;
  fmt::memory_buffer buffer_;
  bool broken_pipe_ = false;
  std::string error_;
};

}  // namespace pkgly_trail
