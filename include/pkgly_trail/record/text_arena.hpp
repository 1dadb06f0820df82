#pragma once
// Storage for text that cannot be a view into the read buffer (unescaped strings, joined
// continuation lines). Chunks are kept across reset() so a steady stream allocates nothing.
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace pkgly_trail {

class TextArena {
 public:
  explicit TextArena(std::size_t chunk_size = 64 * 1024) : chunk_size_(chunk_size) {}
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;

  // Returns writable space for `size` bytes that stays valid until reset().
  char* allocate(std::size_t size);
  // Copies `text` into the arena and returns a view of the copy.
  std::string_view store(std::string_view text);
  // Forgets everything stored; keeps the memory for reuse.
  void reset() noexcept;
  // Forgets everything stored and returns one block of `size` bytes, valid until the next
  // reset, in an arena that then holds little more than that block: a record's copy (many
  // wait in the doubt window and the join) costs its text, not a 64 KiB chunk. A recycled
  // arena whose first chunk fits without much waste allocates nothing.
  char* reset_to_block(std::size_t size);
  // Bytes currently reserved by the arena (for memory budgets).
  std::size_t capacity() const noexcept;

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  std::vector<Chunk> chunks_;
  std::size_t current_ = 0;  // index of the chunk being filled
  std::size_t used_ = 0;     // bytes used in chunks_[current_]
  std::size_t chunk_size_;
};

}  // namespace pkgly_trail
