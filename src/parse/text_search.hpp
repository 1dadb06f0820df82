#pragma once
// parse stage: substring search for the scans every record line gets (the audit target, the
// Pkgly target of the line, the filter's required text).
#include <cstddef>
#include <string_view>

namespace pkgly_trail {

// How find_text tests many positions at once. Best: the widest this CPU has (AVX2 where the
// CPU has it, else SSE2), chosen at run time so that one binary serves every x86-64.
enum class TextSearchKernel { Best, Avx2, Sse2, Portable };

// A needle with the two of its bytes that the search tests first (the rarest in Pkgly's
// logs), chosen once: a needle searched for on every line is made once.
class Needle {
 public:
  explicit Needle(std::string_view text) noexcept;
  std::string_view text() const noexcept { return text_; }
  std::size_t first() const noexcept { return first_; }    // offsets into text, first < second
  std::size_t second() const noexcept { return second_; }  // (both 0 when text is one byte)

 private:
  std::string_view text_;  // not owned: a literal, or text that outlives the needle
  std::size_t first_ = 0;
  std::size_t second_ = 0;
};

// Position of the first `needle` in `haystack`, or npos. Speed: glibc's string_view::find
// calls memchr for every occurrence of the needle's first byte and memmem is a scalar loop;
// this tests 16 or 32 positions a step for the needle's two bytes rarest in Pkgly's logs
// (`k` and `g` of "pkgly::audit") and compares the whole needle only where both match.
// `kernel` other than Best is for tests (Avx2 only where best_text_search_kernel() is Avx2).
std::size_t find_text(std::string_view haystack, const Needle& needle,
                      TextSearchKernel kernel = TextSearchKernel::Best) noexcept;
std::size_t find_text(std::string_view haystack, std::string_view needle,
                      TextSearchKernel kernel = TextSearchKernel::Best) noexcept;
TextSearchKernel best_text_search_kernel() noexcept;

// Position of the last `needle` that starts at or before `from` (npos: anywhere), or npos.
// string_view::rfind calls memcmp at every position; this compares the needle's two rare
// bytes first (a json member starts and ends with '"', the commonest byte of a json line).
std::size_t find_last_text(std::string_view haystack, const Needle& needle,
                           std::size_t from = std::string_view::npos) noexcept;
std::size_t find_last_text(std::string_view haystack, std::string_view needle,
                           std::size_t from = std::string_view::npos) noexcept;

}  // namespace pkgly_trail
