#pragma once
// Splits a byte stream into lines in one reused buffer: the bytes are read straight into it
// and every line handed out is a view into it, so a line costs no allocation.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "pkgly_trail/input/line_reader.hpp"

namespace pkgly_trail {

// How much one read asks for: files, pipes and followed files alike.
inline constexpr std::size_t kReadSize = 1 << 20;

class LineSplitter {
 public:
  // `input` names every line (InputLine::input); it must outlive the splitter.
  LineSplitter(std::string_view input, std::size_t max_line_bytes,
               std::size_t read_size = kReadSize);

  // Where the next bytes go; at least read_size bytes. Keeps the unfinished line in front.
  std::span<char> free_space();
  // Delivers every line completed by the `size` bytes just written into free_space().
  void commit(std::size_t size, LineHandler& handler);
  // Delivers the last line when the input does not end with '\n'.
  void finish(LineHandler& handler);

  std::uint64_t lines_truncated() const noexcept { return lines_truncated_; }
  // Bytes committed but not delivered yet: the unfinished line.
  std::size_t pending_bytes() const noexcept { return end_ - start_; }

 private:
  void deliver(const char* text, std::size_t size, LineHandler& handler);

  std::string_view input_;
  std::size_t max_line_bytes_;
  std::size_t read_size_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t start_ = 0;  // first byte of the unfinished line
  std::size_t end_ = 0;    // end of the bytes read so far
  // An overlong line was delivered cut; its rest is dropped up to the next '\n'. Keeps memory
  // bounded by max_line_bytes however long the line is.
  bool skipping_rest_ = false;
  std::uint64_t line_number_ = 0;
  std::uint64_t lines_truncated_ = 0;
};

}  // namespace pkgly_trail
