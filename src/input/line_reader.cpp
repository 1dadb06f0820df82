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
class FileLineReader final : public LineReader {
 public:
  FileLineReader(std::string name, InputStream input, ReadLimits limits)
      : name_(std::move(name)), input_(std::move(input)), splitter_(name_, limits.max_line_bytes) {}

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
          // Stopped early (the output went away, Ctrl-C): the unfinished line is cut at the
          // read boundary, not at its end, so it is not delivered.
          if (handler.should_stop()) return true;
          break;
        case ReadStatus::Stopped:
          return true;
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
  std::string sha256() const override { return input_.sha256(); }

 private:
  // Looks at the first two bytes to tell gzip from text; they stay in the input stream, which
  // hands them to whichever decoder reads first.
  bool start(LineHandler& handler) {
    const ReadResult got = input_.peek_start(2, handler);
    if (got.status == ReadStatus::Error) return fail("read error: " + input_.error());
    if (got.status == ReadStatus::Data && starts_with_gzip_magic(input_.peeked()))
      gzip_.emplace(input_);
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
  InputStream input = InputStream::open(name, limits.idle_after);
  if (limits.sha256) input.hash_bytes();
  return std::make_unique<FileLineReader>(name, std::move(input), limits);
}

}  // namespace pkgly_trail
