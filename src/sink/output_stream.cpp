#include "pkgly_trail/sink/output_stream.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace pkgly_trail {

OutputStream::OutputStream(int fd, std::size_t flush_threshold)
    : fd_(fd), flush_threshold_(flush_threshold) {}

OutputStream::~OutputStream() {
  // Callers that care about errors flush and check before this; here we can only try.
  try {
    flush();
  } catch (...) {
  }
}

bool OutputStream::flush() {
  // After a failure the output is gone for good: keep discarding so memory stays bounded and
  // the producer can stop at its own pace.
  if (broken_pipe_ || failed()) {
    buffer_.clear();
    return false;
  }
  const char* data = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        // stdout inherited in non-blocking mode (some terminals, ssh): wait instead of failing.
        pollfd waiting{fd_, POLLOUT, 0};
        ::poll(&waiting, 1, -1);
        continue;
      }
      if (err == EPIPE) {
        broken_pipe_ = true;  // `| head` went away: not an error worth a message
      } else {
        error_ = "write error: " + std::generic_category().message(err);
      }
      buffer_.clear();
      return false;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  buffer_.clear();
  return true;
}

}  // namespace pkgly_trail
