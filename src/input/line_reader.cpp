#include "pkgly_trail/input/line_reader.hpp"

#include <optional>
#include <span>
#include <utility>

#include "gzip_source.hpp"
#include "input_stream.hpp"
#include "line_splitter.hpp"

namespace pkgly_trail {
namespace {

// Large reads keep the syscall count low on multi-GB logs.
constexpr std::size_t kReadSize = 1 << 20;

class FileLineReader final : public LineReader {
 public:
  FileLineReader(std::string name, InputStream input, ReadLimits limits)
      : name_(std::move(name)),
        input_(std::move(input)),
        splitter_(limits.max_line_bytes, kReadSize) {}

  bool read_lines(LineHandler& handler) override {
    if (finished_) return error_.empty();
    finished_ = true;
    if (!start(handler)) return false;
    for (;;) {
      const std::span<char> space = splitter_.free_space();
      const ReadResult got =
          gzip_ ? gzip_->read_some(space, handler) : input_.read_some(space, handler);
      switch (got.status) {
        case ReadStatus::Data:
          splitter_.commit(got.size, handler);
          if (handler.should_stop()) {
            splitter_.finish(handler);
            return true;
          }
          break;
        case ReadStatus::End:
          splitter_.finish(handler);
          return true;
        case ReadStatus::Error:
          // The unfinished line is dropped: it is cut at an arbitrary byte.
          return fail(gzip_ ? gzip_->error() : "read error: " + input_.error());
      }
    }
  }

  const std::string& name() const override { return name_; }
  const std::string& error() const override { return error_; }
  std::uint64_t bytes_read() const override { return input_.bytes_read(); }
  std::uint64_t lines_truncated() const override { return splitter_.lines_truncated(); }

 private:
  // Reads the first bytes to tell gzip from text, and hands them to the right decoder.
  bool start(LineHandler& handler) {
    const std::span<char> space = splitter_.free_space();
    std::size_t size = 0;
    // A pipe may deliver the magic one byte at a time.
    while (size < 2) {
      const ReadResult got = input_.read_some(space.subspan(size), handler);
      if (got.status == ReadStatus::Error) return fail("read error: " + input_.error());
      if (got.status == ReadStatus::End) break;
      size += got.size;
      if (static_cast<unsigned char>(space[0]) != 0x1f) break;
    }
    const std::span<const char> first = space.first(size);
    if (starts_with_gzip_magic(first)) {
      gzip_.emplace(input_, first);
    } else {
      splitter_.commit(size, handler);
    }
    return true;
  }

  bool fail(const std::string& what) {
    error_ = (name_ == "-" ? std::string("(standard input)") : name_) + ": " + what;
    return false;
  }

  std::string name_;
  InputStream input_;
  LineSplitter splitter_;
  std::optional<GzipSource> gzip_;
  std::string error_;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<LineReader> LineReader::open(const std::string& name, ReadLimits limits) {
  return std::make_unique<FileLineReader>(name, InputStream::open(name), limits);
}

}  // namespace pkgly_trail
