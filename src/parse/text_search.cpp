#include "text_search.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define PKGLY_TRAIL_X86 1
#endif

namespace pkgly_trail {

namespace {

// How common each byte is in Pkgly's logs: 0 the rarest, 255 the most common. Counted over
// 80 MB of loggen output (full with ANSI in a compose wrapper, and json); only the order
// matters, and a poor order costs speed, never a result.
constexpr std::array<std::uint8_t, 256> kByteRank = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   183, 10,  11,  12,  13,  14,  15,  16,  17,
    18,  19,  20,  21,  22,  23,  24,  25,  247, 26,  27,  28,  29,  242, 30,  254, 31,  176, 169,
    164, 32,  199, 198, 196, 170, 230, 229, 244, 235, 251, 237, 238, 232, 226, 224, 221, 220, 214,
    212, 239, 192, 161, 223, 163, 167, 177, 193, 182, 187, 189, 208, 186, 206, 202, 181, 171, 180,
    200, 194, 188, 190, 201, 33,  204, 205, 213, 191, 168, 185, 172, 162, 184, 248, 217, 178, 34,
    222, 35,  245, 219, 234, 236, 255, 218, 225, 228, 243, 195, 210, 233, 253, 240, 246, 241, 211,
    250, 249, 252, 231, 209, 203, 207, 227, 197, 216, 179, 215, 36,  37,  173, 38,  39,  40,  41,
    42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,  60,
    61,  62,  63,  64,  65,  66,  67,  68,  69,  70,  71,  72,  73,  74,  174, 75,  76,  77,  78,
    79,  80,  81,  82,  83,  84,  85,  86,  87,  88,  165, 89,  90,  91,  92,  93,  94,  95,  96,
    97,  98,  99,  100, 166, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114,
    115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 175, 132,
    133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151,
    152, 153, 154, 155, 156, 157, 158, 159, 160,
};

bool matches_at(std::string_view haystack, std::size_t at, std::string_view needle) noexcept {
  return std::memcmp(haystack.data() + at, needle.data(), needle.size()) == 0;
}

// Positions at + 0 .. at + candidates - 1 not yet tested, one at a time.
std::size_t find_from(std::string_view haystack, const Needle& needle, std::size_t at,
                      std::size_t candidates) noexcept {
  for (; at < candidates; ++at)
    if (haystack[at + needle.first()] == needle.text()[needle.first()] &&
        haystack[at + needle.second()] == needle.text()[needle.second()] &&
        matches_at(haystack, at, needle.text()))
      return at;
  return std::string_view::npos;
}

#if defined(PKGLY_TRAIL_X86)
// 16 positions a step (SSE2: every x86-64). The last loads read up to
// at + 15 + needle.second() <= (candidates - 1) + (size of the needle - 1) < haystack.size().
std::size_t find_sse2(std::string_view haystack, const Needle& needle,
                      std::size_t candidates) noexcept {
  const __m128i first = _mm_set1_epi8(needle.text()[needle.first()]);
  const __m128i second = _mm_set1_epi8(needle.text()[needle.second()]);
  const char* base = haystack.data();
  std::size_t at = 0;
  for (; at + 16 <= candidates; at += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at + needle.first()));
    const __m128i b =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at + needle.second()));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, second))));
    while (mask != 0) {
      const std::size_t hit = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (matches_at(haystack, hit, needle.text())) return hit;
      mask &= mask - 1;
    }
  }
  return find_from(haystack, needle, at, candidates);
}

// 32 positions a step, on CPUs with AVX2 (chosen at run time: the binary stays portable).
__attribute__((target("avx2"))) std::size_t find_avx2(std::string_view haystack,
                                                      const Needle& needle,
                                                      std::size_t candidates) noexcept {
  const __m256i first = _mm256_set1_epi8(needle.text()[needle.first()]);
  const __m256i second = _mm256_set1_epi8(needle.text()[needle.second()]);
  const char* base = haystack.data();
  std::size_t at = 0;
  for (; at + 32 <= candidates; at += 32) {
    const __m256i a =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + at + needle.first()));
    const __m256i b =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + at + needle.second()));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(a, first), _mm256_cmpeq_epi8(b, second))));
    while (mask != 0) {
      const std::size_t hit = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (matches_at(haystack, hit, needle.text())) return hit;
      mask &= mask - 1;
    }
  }
  return find_from(haystack, needle, at, candidates);
}

bool cpu_has_avx2() noexcept {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

Needle::Needle(std::string_view text) noexcept : text_(text) {
  if (text.size() < 2) return;
  auto rank = [text](std::size_t i) { return kByteRank[static_cast<unsigned char>(text[i])]; };
  std::size_t rarest = 0;
  for (std::size_t i = 1; i < text.size(); ++i)
    if (rank(i) < rank(rarest)) rarest = i;
  // The rarest other byte value; a needle of one repeated byte takes any other offset.
  std::size_t next = rarest == 0 ? 1 : 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != rarest && text[i] != text[rarest] &&
        (text[next] == text[rarest] || rank(i) < rank(next)))
      next = i;
  first_ = std::min(rarest, next);
  second_ = std::max(rarest, next);
}

std::size_t find_text(std::string_view haystack, const Needle& needle,
                      TextSearchKernel kernel) noexcept {
  const std::string_view text = needle.text();
  const std::size_t n = text.size();
  if (n == 0) return 0;
  if (haystack.size() < n) return std::string_view::npos;
  if (n == 1) {
    const void* hit = std::memchr(haystack.data(), text[0], haystack.size());
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - haystack.data())
               : std::string_view::npos;
  }
  const std::size_t candidates = haystack.size() - n + 1;  // positions 0 .. candidates - 1
#if defined(PKGLY_TRAIL_X86)
  if (kernel == TextSearchKernel::Best) kernel = best_text_search_kernel();
  if (kernel == TextSearchKernel::Avx2) return find_avx2(haystack, needle, candidates);
  if (kernel == TextSearchKernel::Sse2) return find_sse2(haystack, needle, candidates);
#endif
  return find_from(haystack, needle, 0, candidates);
}

std::size_t find_text(std::string_view haystack, std::string_view needle,
                      TextSearchKernel kernel) noexcept {
  return find_text(haystack, Needle(needle), kernel);
}

TextSearchKernel best_text_search_kernel() noexcept {
#if defined(PKGLY_TRAIL_X86)
  return cpu_has_avx2() ? TextSearchKernel::Avx2 : TextSearchKernel::Sse2;
#else
  return TextSearchKernel::Portable;
#endif
}

std::size_t find_last_text(std::string_view haystack, const Needle& needle,
                           std::size_t from) noexcept {
  const std::string_view text = needle.text();
  const std::size_t n = text.size();
  if (haystack.size() < n) return std::string_view::npos;
  std::size_t at = std::min(from, haystack.size() - n);
  if (n == 0) return at;
  const char first = text[needle.first()];
  const char second = text[needle.second()];
  for (;; --at) {
    if (haystack[at + needle.first()] == first && haystack[at + needle.second()] == second &&
        matches_at(haystack, at, text))
      return at;
    if (at == 0) return std::string_view::npos;
  }
}

std::size_t find_last_text(std::string_view haystack, std::string_view needle,
                           std::size_t from) noexcept {
  return find_last_text(haystack, Needle(needle), from);
}

}  // namespace pkgly_trail
