#pragma once
// input stage: bytes from a file, a gzip file or stdin, split into physical lines.
// Lines are views into the read buffer, valid only during the callback.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace pkgly_trail {

struct InputLine {
  std::string_view input;    // the input's name as given ("-" = stdin)
  std::string_view text;     // without the trailing '\n' ('\r' is left for the envelope)
  std::uint64_t number = 0;  // 1-based physical line number in this input
  bool truncated = false;    // the line was longer than max_line_bytes and was cut
};

class LineHandler {
 public:
  virtual ~LineHandler() = default;
  virtual void on_line(const InputLine& line) = 0;
  // Called when a pipe has brought no new bytes for ReadLimits::idle_after, and again each
  // idle_after while the silence lasts (never for a regular file): the place to complete what
  // waits for more lines and flush pending output, so a live stream shows its last records.
  virtual void on_idle() {}
  // Checked between reads and while waiting for a pipe: true ends the input early (Ctrl-C in
  // a live stream, the output gone). The line cut by the early stop is not delivered.
  virtual bool should_stop() const { return false; }
  // An input being followed could not be opened (said once per name until it appears), read,
  // or followed; `message` says why, without the input's name.
  virtual void on_problem(std::string_view input, std::string_view message) {
    static_cast<void>(input);
    static_cast<void>(message);
  }
};

struct ReadLimits {
  std::size_t max_line_bytes = 64 * 1024 * 1024;  // longer lines are cut and flagged
  // How long a pipe must stay silent before on_idle. Pkgly writes each record with one
  // write(2), and `docker compose logs -f` relays it within milliseconds, so a second without
  // a byte means the record before is complete; shorter gaps are not a reason to flush.
  std::chrono::milliseconds idle_after{1000};
  // Compute the SHA-256 of each input's bytes as they are read (`report` names its inputs).
  bool sha256 = false;
};

// What one input gave, for a report that says what it read.
struct InputRead {
  std::string name;         // as given ("-" = standard input)
  std::uint64_t bytes = 0;  // as stored: a gzip file's compressed bytes
  std::string sha256;       // of those bytes, lower-case hex; "" unless ReadLimits::sha256
};

class LineReader {
 public:
  virtual ~LineReader() = default;
  // Opens `name` ("-" = stdin). gzip is recognised by its magic bytes, not by the name.
  // Throws InputError with a message naming the file when it cannot be opened.
  static std::unique_ptr<LineReader> open(const std::string& name, ReadLimits limits = {});

  // Reads to the end, calling handler.on_line for every line (a last line without '\n'
  // included), or until handler.should_stop(). Returns false on a read or decompression
  // error; error() then says what.
  virtual bool read_lines(LineHandler& handler) = 0;
  virtual const std::string& name() const = 0;
  virtual const std::string& error() const = 0;
  virtual std::uint64_t bytes_read() const = 0;  // bytes of input consumed (compressed)
  virtual std::uint64_t lines_truncated() const = 0;
  // SHA-256 of the bytes read so far (hex), when ReadLimits::sha256 asked for it; else "".
  virtual std::string sha256() const { return {}; }
  InputRead facts() const { return {name(), bytes_read(), sha256()}; }
};

class InputError : public std::exception {
 public:
  explicit InputError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace pkgly_trail
