#include "pkgly_trail/record/text_arena.hpp"

#include <algorithm>
#include <cstring>

namespace pkgly_trail {

char* TextArena::allocate(std::size_t size) {
  while (current_ < chunks_.size()) {
    Chunk& chunk = chunks_[current_];
    if (chunk.size - used_ >= size) {
      char* out = chunk.data.get() + used_;
      used_ += size;
      return out;
    }
    ++current_;
    used_ = 0;
  }
  const std::size_t chunk_size = std::max(chunk_size_, size);
  chunks_.push_back(Chunk{std::make_unique<char[]>(chunk_size), chunk_size});
  current_ = chunks_.size() - 1;
  used_ = size;
  return chunks_.back().data.get();
}

std::string_view TextArena::store(std::string_view text) {
  if (text.empty()) return {};
  char* out = allocate(text.size());
  std::memcpy(out, text.data(), text.size());
  return {out, text.size()};
}

void TextArena::reset() noexcept {
  // A single oversized chunk (a 100 MiB line) is not worth keeping for ordinary records.
  if (chunks_.size() > 4) chunks_.resize(4);
  current_ = 0;
  used_ = 0;
}

char* TextArena::reset_to_block(std::size_t size) {
  // Waste allowed in a recycled chunk: up to twice the block plus a little.
  constexpr std::size_t kSlack = 1024;
  if (chunks_.empty() || chunks_.front().size < size || chunks_.front().size > 2 * size + kSlack) {
    chunks_.clear();
    const std::size_t chunk_size = std::max<std::size_t>(size, 64);
    chunks_.push_back(Chunk{std::make_unique<char[]>(chunk_size), chunk_size});
  } else if (chunks_.size() > 1) {
    chunks_.resize(1);
  }
  current_ = 0;
  used_ = size;
  return chunks_.front().data.get();
}

std::size_t TextArena::capacity() const noexcept {
  std::size_t total = 0;
  for (const Chunk& chunk : chunks_) total += chunk.size;
  return total;
}

}  // namespace pkgly_trail
