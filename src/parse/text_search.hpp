#pragma once
// parse stage: substring search for the two scans every record line gets (the
// Pkgly target of the line, and the filter's required text of each record).
#include <cstddef>
#include <string_view>

namespace pkgly_trail {

// Position of the first `needle` in `haystack`, or npos. Speed: both glibc paths were the top
// of the `audit` profile: string_view::find calls memchr for every occurrence of the needle's
// first byte ('p' of "pkgly::", in lines full of p's) and memmem is a scalar loop. This tests
// 16 positions at once for the needle's first *and* last bytes (SSE2, in every x86-64) and
// compares the rest only where both match, which in log text is almost never a false hit.
std::size_t find_text(std::string_view haystack, std::string_view needle) noexcept;

// Position of the last `needle` that starts at or before `from` (npos: anywhere), or npos.
// string_view::rfind calls memcmp at every position; this compares the needle's first and last
// bytes first, as find_text does.
std::size_t find_last_text(std::string_view haystack, std::string_view needle,
                           std::size_t from = std::string_view::npos) noexcept;

}  // namespace pkgly_trail
