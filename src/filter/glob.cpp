// Shell-style glob for --action and --path. Byte-wise (`?` is one byte), no escapes.
#include <string_view>

#include "pkgly_trail/filter/filter.hpp"

namespace pkgly_trail {
namespace {

enum class ClassResult { NoMatch, Match, NotAClass };

// Matches `c` against the bracket expression starting at pattern[start] == '['. On success
// `end` is the index after the closing ']'. An unterminated '[' is NotAClass (a literal '[',
// as in fnmatch). `]` right after `[` or `[!` is a member, so `[]]` matches "]".
ClassResult match_class(std::string_view pattern, std::size_t start, unsigned char c,
                        std::size_t& end) noexcept {
  std::size_t i = start + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  const std::size_t first = i;
  bool member = false;
  while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
    const auto lo = static_cast<unsigned char>(pattern[i]);
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      const auto hi = static_cast<unsigned char>(pattern[i + 2]);
      member |= lo <= c && c <= hi;
      i += 3;
    } else {
      member |= lo == c;
      ++i;
    }
  }
  if (i >= pattern.size()) return ClassResult::NotAClass;
  end = i + 1;
  return member != negate ? ClassResult::Match : ClassResult::NoMatch;
}

}  // namespace

// Greedy matching that remembers only the latest `*`: when a later part fails, that star
// absorbs one more byte. Earlier stars never need revisiting, so the cost is
// O(pattern * text) at worst instead of exponential.
bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  constexpr std::size_t kNoStar = std::string_view::npos;
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star_p = kNoStar;  // pattern index just after the latest '*'
  std::size_t star_t = 0;        // text index that star currently extends to
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      bool literal = true;
      if (pc == '[') {
        std::size_t end = 0;
        const ClassResult result =
            match_class(pattern, p, static_cast<unsigned char>(text[t]), end);
        if (result == ClassResult::Match) {
          p = end;
          ++t;
          continue;
        }
        literal = result == ClassResult::NotAClass;
      }
      if (literal && pc == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == kNoStar) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace pkgly_trail
