#include "input_stream.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace pkgly_trail {
namespace {

[[noreturn]] void throw_cannot_open(const std::string& name, int error) {
  throw InputError(fmt::format("pkgly-trail: cannot open '{}': {}", name, std::strerror(error)));
}

}  // namespace

InputStream InputStream::open(const std::string& name) {
  int fd = STDIN_FILENO;
  const bool owned = name != "-";
  if (owned) {
    do {
      fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_cannot_open(name, errno);
  }
  InputStream stream(fd, owned, false);
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw_cannot_open(name, errno);
  // open(2) accepts a directory; read(2) would fail later with a less helpful message.
  if (S_ISDIR(info.st_mode)) throw_cannot_open(name, EISDIR);
  stream.may_block_ = !S_ISREG(info.st_mode);
#ifdef F_SETPIPE_SZ
  // A pipe hands over at most its buffer (64 KiB by default) per read; a larger one means
  // fewer reads for `zcat | pkgly-trail` and `docker compose logs | pkgly-trail`. Best effort:
  // the system limit may refuse it.
  if (S_ISFIFO(info.st_mode)) ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
  return stream;
}

InputStream::InputStream(InputStream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      owned_(std::exchange(other.owned_, false)),
      may_block_(other.may_block_),
      bytes_read_(other.bytes_read_),
      error_(std::move(other.error_)) {}

InputStream::~InputStream() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

bool InputStream::data_ready() const noexcept {
  pollfd request{fd_, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&request, 1, 0);
    if (ready > 0) return true;  // data, end of file (POLLHUP) or an error read(2) will report
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

ReadResult InputStream::read_some(std::span<char> buffer, LineHandler& handler) {
  // While a pipe stays silent, on_idle runs about once a second, so whatever waits on time
  // (an audit event whose access record never came) is printed without more input.
  while (may_block_ && !data_ready()) {
    handler.on_idle();
    if (handler.should_stop()) return {ReadStatus::End, 0};
    pollfd request{fd_, POLLIN, 0};
    ::poll(&request, 1, 1000);  // EINTR (Ctrl-C) just comes back here to check should_stop
  }
  for (;;) {
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got > 0) {
      bytes_read_ += static_cast<std::uint64_t>(got);
      return {ReadStatus::Data, static_cast<std::size_t>(got)};
    }
    if (got == 0) return {ReadStatus::End, 0};
    if (errno == EINTR) {
      if (handler.should_stop()) return {ReadStatus::End, 0};
      continue;
    }
    error_ = std::strerror(errno);
    return {ReadStatus::Error, 0};
  }
}

}  // namespace pkgly_trail
