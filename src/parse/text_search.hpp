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

}  // namespace pkgly_trail
