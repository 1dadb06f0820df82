#include "input_stream.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace pkgly_trail {
namespace {

[[noreturn]] void throw_cannot_open(const std::string& name, int error) {
  throw InputError(fmt::format("cannot open '{}': {}", name, std::strerror(error)));
}

}  // namespace

InputStream InputStream::open(const std::string& name, std::chrono::milliseconds idle_after) {
  int fd = STDIN_FILENO;
  const bool owned = name != "-";
  if (owned) {
    do {
      fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_cannot_open(name, errno);
  }
  InputStream stream(fd, owned, idle_after);
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw_cannot_open(name, errno);
  // open(2) accepts a directory; read(2) would fail later with a less helpful message.
  if (S_ISDIR(info.st_mode)) throw_cannot_open(name, EISDIR);
  stream.set_up(info);
  return stream;
}

InputStream InputStream::adopt(int fd, std::chrono::milliseconds idle_after) {
  InputStream stream(fd, true, idle_after);
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw InputError(fmt::format("fstat: {}", std::strerror(errno)));
  stream.set_up(info);
  return stream;
}

void InputStream::set_up(const struct stat& info) {
  may_block_ = !S_ISREG(info.st_mode);
#ifdef F_SETPIPE_SZ
  // A pipe hands over at most its buffer (64 KiB by default) per read; a larger one means
  // fewer reads for `zcat | pkgly-trail` and `docker compose logs | pkgly-trail`. Best effort:
  // the system limit may refuse it.
  if (S_ISFIFO(info.st_mode)) ::fcntl(fd_, F_SETPIPE_SZ, 1 << 20);
#endif
}

InputStream::InputStream(InputStream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      owned_(std::exchange(other.owned_, false)),
      may_block_(other.may_block_),
      idle_after_(other.idle_after_),
      last_news_(other.last_news_),
      peek_(other.peek_),
      peek_size_(other.peek_size_),
      peek_given_(other.peek_given_),
      bytes_read_(other.bytes_read_),
      ended_(other.ended_),
      sha256_(std::move(other.sha256_)),
      error_(std::move(other.error_)) {}

InputStream::~InputStream() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

// Idle means "no new bytes for idle_after", not "nothing buffered right now": `docker compose
// logs -f` hands over lines a millisecond apart, and a pipe is empty between most of them. An
// on_idle there would complete records still waiting for their continuation lines and flush the
// join early, so a live stream would come out differently from the same bytes in a file.
// While the silence lasts, on_idle comes once per idle_after, so whatever waits on wall time
// (an audit event whose access record never came) is printed without more input.
bool InputStream::wait_for_data(LineHandler& handler) {
  if (!may_block_) return true;
  for (;;) {
    auto now = Clock::now();
    if (now - last_news_ >= idle_after_) {
      handler.on_idle();
      now = Clock::now();
      last_news_ = now;
      if (handler.should_stop()) return false;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(idle_after_ - (now - last_news_));
    pollfd request{fd_, POLLIN, 0};
    // Data, end of file (POLLHUP) or an error read(2) will report.
    const int ready =
        ::poll(&request, 1, static_cast<int>(std::max<std::int64_t>(1, left.count())));
    if (ready > 0 || (ready < 0 && errno != EINTR)) return true;
    // A timeout, or a signal (Ctrl-C): is it time to stop?
    if (handler.should_stop()) return false;
  }
}

ReadResult InputStream::read_fd(std::span<char> buffer, LineHandler& handler) {
  if (ended_) return {ReadStatus::End, 0};
  if (!wait_for_data(handler)) return {ReadStatus::Stopped, 0};
  for (;;) {
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got > 0) {
      bytes_read_ += static_cast<std::uint64_t>(got);
      if (sha256_) sha256_->update({buffer.data(), static_cast<std::size_t>(got)});
      if (may_block_) last_news_ = Clock::now();
      return {ReadStatus::Data, static_cast<std::size_t>(got)};
    }
    if (got == 0) {
      // A terminal's end of input (Ctrl-D) is said once, not on every later read as a pipe's;
      // a regular file may grow after its end (-f reads on).
      ended_ = may_block_;
      return {ReadStatus::End, 0};
    }
    if (errno == EINTR) {
      if (handler.should_stop()) return {ReadStatus::Stopped, 0};
      continue;
    }
    error_ = std::strerror(errno);
    return {ReadStatus::Error, 0};
  }
}

ReadResult InputStream::peek_start(std::size_t count, LineHandler& handler) {
  count = std::min(count, kMaxPeek);
  // A pipe may deliver the first bytes one at a time; each read asks for no more than is
  // missing, so nothing beyond `count` is ever read here.
  while (peek_size_ < count) {
    const ReadResult got = read_fd({peek_.data() + peek_size_, count - peek_size_}, handler);
    if (got.status == ReadStatus::End) break;
    if (got.status != ReadStatus::Data) return got;
    peek_size_ += got.size;
  }
  return {ReadStatus::Data, peek_size_};
}

ReadResult InputStream::read_some(std::span<char> buffer, LineHandler& handler) {
  if (peek_given_ < peek_size_) {
    const std::size_t size = std::min(peek_size_ - peek_given_, buffer.size());
    std::memcpy(buffer.data(), peek_.data() + peek_given_, size);
    peek_given_ += size;
    return {ReadStatus::Data, size};
  }
  return read_fd(buffer, handler);
}

}  // namespace pkgly_trail
