// The whole input stage (LineReader: InputStream, gzip sniffing, GzipSource, LineSplitter) on
// fuzzed text, handed over the way the CLI meets it: a regular file by name, a pipe by name,
// stdin as a pipe and stdin as a file (`- < x.gz`); plain or gzip in members of random sizes
// and compression levels, past 1 MiB when asked; through a pipe in writes of random sizes, some
// waited on until the reader took them (so a read sees exactly one write: a lone first byte, a
// full pipe buffer, a member boundary).
//
// The invariant, besides the sanitizers: the lines delivered are the lines of the text, in
// order, numbered 1, 2, ..., each cut to max_line_bytes (and flagged) when longer; a stream cut
// short fails with "truncated gzip stream" and delivers only whole lines of the text before.
//
// Input: byte 0 = flags (bits 0-1 how it is read, 2 gzip, 3 grow past 1 MiB (when the seed is
// a multiple of 16), 4 short
// max_line_bytes, 5 cut the gzip stream short), bytes 1-4 = seed of the sizes, then the text.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fuzz_support.hpp"
#include "pkgly_trail/input/line_reader.hpp"

namespace {

using namespace pkgly_trail;

enum class Way { FileByName, PipeByName, StdinPipe, StdinFile };

std::string gzip_member(std::string_view text, int level) {
  z_stream zlib{};
  if (deflateInit2(&zlib, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    std::abort();
  std::string out(deflateBound(&zlib, static_cast<uLong>(text.size())), '\0');
  zlib.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zlib.avail_in = static_cast<uInt>(text.size());
  zlib.next_out = reinterpret_cast<Bytef*>(out.data());
  zlib.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zlib, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(zlib.total_out);
  deflateEnd(&zlib);
  return out;
}

// The text's lines as the reader must deliver them.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

class CheckedLines final : public LineHandler {
 public:
  CheckedLines(const std::vector<std::string_view>& expected, std::size_t max_line_bytes)
      : expected_(expected), max_(max_line_bytes) {}
  void on_line(const InputLine& line) override {
    FUZZ_CHECK(line.number == delivered_ + 1,
               fmt::format("line {} after {}", line.number, delivered_));
    FUZZ_CHECK(delivered_ < expected_.size(),
               fmt::format("line {} beyond the {} lines of the text: {}", line.number,
                           expected_.size(), pkgly_trail::fuzz::shown(line.text)));
    const std::string_view want = expected_[delivered_];
    const bool cut = want.size() > max_;
    FUZZ_CHECK(line.truncated == cut,
               fmt::format("line {} flagged {}", line.number, line.truncated));
    FUZZ_CHECK(line.text == want.substr(0, max_) ||
                   (cut_stream_ && !line.truncated && want.starts_with(line.text)),
               fmt::format("line {}: got '{}' want '{}'", line.number,
                           pkgly_trail::fuzz::shown(line.text), pkgly_trail::fuzz::shown(want)));
    if (line.text != want.substr(0, max_)) ++partial_;
    ++delivered_;
  }
  void allow_cut_stream() { cut_stream_ = true; }
  std::size_t delivered() const { return delivered_; }
  std::size_t partial() const { return partial_; }

 private:
  const std::vector<std::string_view>& expected_;
  std::size_t max_;
  std::size_t delivered_ = 0;
  std::size_t partial_ = 0;  // lines that are only a prefix of the text's (a cut stream)
  bool cut_stream_ = false;
};

// Writes `pieces` into a pipe; after a piece marked `wait`, waits until the reader took every
// byte. Stops when the reader is done (its end closed: EPIPE).
void feed_pipe(int write_end, int read_end, const std::vector<std::string_view>& pieces,
               const std::vector<bool>& wait, const std::atomic<bool>& reader_done) {
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    for (std::size_t done = 0; done < pieces[i].size();) {
      const ssize_t put = ::write(write_end, pieces[i].data() + done, pieces[i].size() - done);
      if (put <= 0) return;
      done += static_cast<std::size_t>(put);
    }
    if (!wait[i]) continue;
    int queued = 1;
    while (!reader_done.load() && ::ioctl(read_end, FIONREAD, &queued) == 0 && queued > 0)
      ::usleep(20);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::signal(SIGPIPE, SIG_IGN);  // the reader may stop before the writer (a corrupt stream)
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const std::uint8_t flags = data[0];
  std::uint32_t seed;
  std::memcpy(&seed, data + 1, sizeof seed);
  std::mt19937 random(seed);
  const std::string_view payload(reinterpret_cast<const char*>(data + 5), size - 5);
  const auto way = static_cast<Way>(flags & 3);
  const bool gzip = (flags & 4) != 0;
  // Past 1 MiB costs up to a second under the sanitizers: one input in 16 that asks for it.
  const bool big = (flags & 8) != 0 && seed % 16 == 0;
  ReadLimits limits;
  if (flags & 16) limits.max_line_bytes = 1 + random() % 300;
  const bool cut_stream = gzip && (flags & 32) != 0;

  // The text: the payload, or doubled (each copy numbered) until past 1 MiB, then cut to a
  // random size up to 3 MiB.
  std::string text(payload);
  if (big) {
    const std::size_t target = (1u << 20) + random() % (2u << 20);
    for (std::uint64_t copy = 0; text.size() < target; ++copy) {
      text += fmt::format("\ncopy {}\n", copy);
      const std::string before = text;
      text += before;
    }
    text.resize(target);
  }
  // Plain text that starts with gzip's magic is read as gzip (by content, as zcat would): not
  // this target's invariant.
  if (!gzip && text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
      static_cast<unsigned char>(text[1]) == 0x8b)
    text[0] = 'x';

  // The bytes to read: the text, or gzip members of random sizes and levels (level 0 stores,
  // so a big text gives members past 1 MiB).
  std::string bytes;
  if (gzip) {
    const std::size_t members = 1 + random() % 5;
    std::size_t from = 0;
    for (std::size_t m = 0; m < members && (from < text.size() || m == 0); ++m) {
      const std::size_t part =
          m + 1 == members ? text.size() - from : random() % (text.size() - from + 1);
      bytes +=
          gzip_member(std::string_view(text).substr(from, part), static_cast<int>(random() % 10));
      from += part;
    }
    if (from < text.size()) bytes += gzip_member(std::string_view(text).substr(from), 1);
  } else {
    bytes = text;
  }
  // Cut after the magic at least: a lone 0x1f is text, not a cut gzip stream.
  if (cut_stream && bytes.size() > 2) bytes.resize(2 + random() % (bytes.size() - 2));

  const std::vector<std::string_view> expected = lines_of(text);
  CheckedLines lines(expected, limits.max_line_bytes);
  if (cut_stream) lines.allow_cut_stream();

  bool ok = false;
  std::string error;
  std::uint64_t bytes_read = 0;
  auto read = [&](const std::string& name) {
    const auto reader = LineReader::open(name, limits);
    ok = reader->read_lines(lines);
    error = reader->error();
    bytes_read = reader->bytes_read();
  };

  if (way == Way::FileByName || way == Way::StdinFile) {
    const int fd = ::memfd_create("input_fuzz", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0, "memfd_create");
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t put = ::write(fd, bytes.data() + done, bytes.size() - done);
      FUZZ_CHECK(put > 0, "write memfd");
      done += static_cast<std::size_t>(put);
    }
    ::lseek(fd, 0, SEEK_SET);
    if (way == Way::FileByName) {
      read("/proc/self/fd/" + std::to_string(fd));
    } else {
      const int saved = ::dup(STDIN_FILENO);
      ::dup2(fd, STDIN_FILENO);
      read("-");
      ::dup2(saved, STDIN_FILENO);
      ::close(saved);
    }
    ::close(fd);
  } else {
    // Writes of random sizes: 1 byte, a few, up to 64 KiB, up to 2 MiB (past the pipe buffer).
    std::vector<std::string_view> pieces;
    std::vector<bool> wait;
    for (std::size_t from = 0; from < bytes.size();) {
      std::size_t piece = 0;
      switch (random() % 4) {
        case 0:
          piece = 1;
          break;
        case 1:
          piece = 1 + random() % 16;
          break;
        case 2:
          piece = 1 + random() % 65536;
          break;
        default:
          piece = 1 + random() % (2u << 20);
          break;
      }
      piece = std::min(piece, bytes.size() - from);
      pieces.push_back(std::string_view(bytes).substr(from, piece));
      wait.push_back(random() % 2 == 0);
      from += piece;
    }
    int ends[2];
    FUZZ_CHECK(::pipe2(ends, O_CLOEXEC) == 0, "pipe");
    std::atomic<bool> reader_done{false};
    std::thread writer([&] {
      feed_pipe(ends[1], ends[0], pieces, wait, reader_done);
      ::close(ends[1]);
    });
    if (way == Way::PipeByName) {
      read("/dev/fd/" + std::to_string(ends[0]));
    } else {
      const int saved = ::dup(STDIN_FILENO);
      ::dup2(ends[0], STDIN_FILENO);
      read("-");
      ::dup2(saved, STDIN_FILENO);
      ::close(saved);
    }
    reader_done = true;
    ::close(ends[0]);  // a writer still writing gets EPIPE
    writer.join();
  }

  if (!cut_stream) {
    FUZZ_CHECK(ok && error.empty(), fmt::format("read failed: {}", error));
    FUZZ_CHECK(lines.delivered() == expected.size(),
               fmt::format("{} lines delivered of {}", lines.delivered(), expected.size()));
    FUZZ_CHECK(lines.partial() == 0, "a line cut short");
    FUZZ_CHECK(bytes_read == bytes.size(),
               fmt::format("{} bytes read of {}", bytes_read, bytes.size()));
  } else {
    // A stream cut at a member's end is whole: its text ends there, maybe inside a line.
    // Otherwise the reader says so, and every line it delivered was whole (the cut one is
    // dropped).
    if (!ok) {
      FUZZ_CHECK(error.ends_with(": truncated gzip stream"), error);
      FUZZ_CHECK(lines.partial() == 0, "a line cut by the end of the stream was delivered");
    }
    FUZZ_CHECK(lines.partial() <= 1, "more than one line cut short");
  }
  return 0;
}
