#include "line_splitter.hpp"

#include <algorithm>
#include <cstring>

namespace pkgly_trail {

LineSplitter::LineSplitter(std::string_view input, std::size_t max_line_bytes,
                           std::size_t read_size)
    : input_(input),
      max_line_bytes_(max_line_bytes),
      read_size_(read_size),
      // Room for a full read behind an unfinished line of ordinary length.
      buffer_(std::make_unique_for_overwrite<char[]>(2 * read_size)),
      capacity_(2 * read_size) {}

std::span<char> LineSplitter::free_space() {
  if (start_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (capacity_ - end_ < read_size_) {
    // Only a line still below max_line_bytes grows the buffer, so it stays under about
    // twice max_line_bytes + read_size.
    const std::size_t capacity = std::max(capacity_ * 2, end_ + read_size_);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    std::memcpy(grown.get(), buffer_.get(), end_);
    buffer_ = std::move(grown);
    capacity_ = capacity;
  }
  return {buffer_.get() + end_, capacity_ - end_};
}

void LineSplitter::commit(std::size_t size, LineHandler& handler) {
  char* const base = buffer_.get();
  std::size_t scan = end_;
  end_ += size;
  if (skipping_rest_) {
    const void* newline = std::memchr(base + scan, '\n', end_ - scan);
    if (newline == nullptr) {
      start_ = end_ = 0;
      return;
    }
    skipping_rest_ = false;
    start_ = scan = static_cast<const char*>(newline) - base + 1;
  }
  while (const void* newline = std::memchr(base + scan, '\n', end_ - scan)) {
    const std::size_t line_end = static_cast<const char*>(newline) - base;
    deliver(base + start_, line_end - start_, handler);
    start_ = scan = line_end + 1;
  }
  if (end_ - start_ > max_line_bytes_) {
    deliver(base + start_, end_ - start_, handler);
    skipping_rest_ = true;
    start_ = end_ = 0;
  }
}

void LineSplitter::finish(LineHandler& handler) {
  if (!skipping_rest_ && end_ > start_) deliver(buffer_.get() + start_, end_ - start_, handler);
  skipping_rest_ = false;
  start_ = end_ = 0;
}

void LineSplitter::deliver(const char* text, std::size_t size, LineHandler& handler) {
  InputLine line;
  line.input = input_;
  line.number = ++line_number_;
  line.truncated = size > max_line_bytes_;
  line.text = {text, line.truncated ? max_line_bytes_ : size};
  if (line.truncated) ++lines_truncated_;
  handler.on_line(line);
}

}  // namespace pkgly_trail
