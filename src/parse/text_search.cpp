#include "text_search.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pkgly_trail {

namespace {

bool matches_at(std::string_view haystack, std::size_t at, std::string_view needle) noexcept {
  return std::memcmp(haystack.data() + at, needle.data(), needle.size()) == 0;
}

}  // namespace

std::size_t find_text(std::string_view haystack, std::string_view needle) noexcept {
  const std::size_t n = needle.size();
  if (n == 0) return 0;
  if (haystack.size() < n) return std::string_view::npos;
  if (n == 1) {
    const void* hit = std::memchr(haystack.data(), needle[0], haystack.size());
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - haystack.data())
               : std::string_view::npos;
  }
  const std::size_t candidates = haystack.size() - n + 1;  // positions 0 .. candidates - 1
  std::size_t at = 0;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle.front());
  const __m128i last = _mm_set1_epi8(needle.back());
  // The last load reads up to at + 15 + n - 1 < haystack.size(): in bounds.
  for (; at + 16 <= candidates; at += 16) {
    const __m128i starts = _mm_loadu_si128(reinterpret_cast<const __m128i*>(haystack.data() + at));
    const __m128i ends =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(haystack.data() + at + n - 1));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(starts, first), _mm_cmpeq_epi8(ends, last))));
    while (mask != 0) {
      const std::size_t hit = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (matches_at(haystack, hit, needle)) return hit;
      mask &= mask - 1;
    }
  }
#endif
  for (; at < candidates; ++at)
    if (haystack[at] == needle.front() && haystack[at + n - 1] == needle.back() &&
        matches_at(haystack, at, needle))
      return at;
  return std::string_view::npos;
}

std::size_t find_last_text(std::string_view haystack, std::string_view needle,
                           std::size_t from) noexcept {
  const std::size_t n = needle.size();
  if (haystack.size() < n) return std::string_view::npos;
  std::size_t at = std::min(from, haystack.size() - n);
  if (n == 0) return at;
  for (;; --at) {
    if (haystack[at] == needle.front() && haystack[at + n - 1] == needle.back() &&
        matches_at(haystack, at, needle))
      return at;
    if (at == 0) return std::string_view::npos;
  }
}

}  // namespace pkgly_trail
