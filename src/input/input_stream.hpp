#pragma once
// Raw bytes from a file descriptor. Owns the two rules of reading a live pipe: the handler hears
// on_idle() only after the pipe has been silent for a while (not each time it is momentarily
// empty), and the first bytes can be looked at before anyone reads them.
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "pkgly_trail/input/line_reader.hpp"
#include "sha256.hpp"

namespace pkgly_trail {

enum class ReadStatus {
  Data,     // `size` bytes were produced
  End,      // the input ended
  Stopped,  // handler.should_stop() ended the read early: what was not read is not there
  Error,
};

struct ReadResult {
  ReadStatus status = ReadStatus::End;
  std::size_t size = 0;  // bytes produced when status is Data
};

class InputStream {
 public:
  // The most bytes peek_start() can look at: enough for any magic number.
  static constexpr std::size_t kMaxPeek = 8;

  // "-" is stdin, which is borrowed, not closed. Throws InputError naming the file.
  static InputStream open(const std::string& name,
                          std::chrono::milliseconds idle_after = ReadLimits{}.idle_after);
  // Takes a descriptor already open (the follower opens and checks it itself); it is closed
  // with the stream. Throws InputError when fstat(2) fails.
  static InputStream adopt(int fd, std::chrono::milliseconds idle_after = ReadLimits{}.idle_after);

  InputStream(InputStream&& other) noexcept;
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;
  InputStream& operator=(InputStream&&) = delete;
  ~InputStream();

  // Reads until the first `count` bytes (at most kMaxPeek) are known, or the input ends, and
  // keeps them in a buffer of its own: read_some hands them out again first. Only before the
  // first read_some. Data means peeked() holds what there is (fewer bytes at a short input).
  ReadResult peek_start(std::size_t count, LineHandler& handler);
  std::span<const char> peeked() const noexcept { return {peek_.data(), peek_size_}; }

  // At most buffer.size() bytes; never more.
  ReadResult read_some(std::span<char> buffer, LineHandler& handler);
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  // From now on, every byte read from the descriptor goes into a SHA-256 as well (the bytes as
  // they are stored: a gzip file's compressed bytes). Before the first read.
  void hash_bytes() { sha256_ = std::make_unique<Sha256>(); }
  // The SHA-256 of the bytes read so far, in hex; "" unless hash_bytes() was called.
  std::string sha256() const { return sha256_ ? sha256_->hex() : std::string(); }
  // Why the last read failed (strerror text).
  const std::string& error() const noexcept { return error_; }
  // For what a follower asks of the file itself (fstat, pread, lseek: its identity, size and
  // first bytes); its bytes are read with read_some.
  int descriptor() const noexcept { return fd_; }

 private:
  using Clock = std::chrono::steady_clock;

  InputStream(int fd, bool owned, std::chrono::milliseconds idle_after) noexcept
      : fd_(fd), owned_(owned), idle_after_(idle_after), last_news_(Clock::now()) {}
  // From the descriptor's fstat: may it block, and a larger pipe buffer.
  void set_up(const struct stat& info);
  // Waits until the descriptor has something to say; false when should_stop() ended the wait.
  bool wait_for_data(LineHandler& handler);
  ReadResult read_fd(std::span<char> buffer, LineHandler& handler);

  int fd_ = -1;
  bool owned_ = false;
  bool may_block_ = false;  // a pipe, tty or socket; regular files never block
  std::chrono::milliseconds idle_after_;
  Clock::time_point last_news_;  // the last bytes, or the last on_idle
  std::array<char, kMaxPeek> peek_{};
  std::size_t peek_size_ = 0;
  std::size_t peek_given_ = 0;  // of peek_size_, handed out by read_some
  std::uint64_t bytes_read_ = 0;
  bool ended_ = false;  // a pipe or terminal said end of input: never read again
  std::unique_ptr<Sha256> sha256_;
  std::string error_;
};

}  // namespace pkgly_trail
