// find_text and find_last_text against std::string_view::find and rfind on every position of
// haystacks that cross the 16-byte blocks of the SIMD loop.
#include "parse/text_search.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace pkgly_trail {

TEST_CASE("find_text finds what string_view::find finds - wherever it is") {
  for (const std::string& needle :
       std::vector<std::string>{"p", "pk", "pkgly::", "pkgly::audit", std::string(40, 'x')}) {
    for (std::size_t size = 0; size < 70; ++size) {
      for (std::size_t at = 0; at + needle.size() <= size; ++at) {
        // Near misses around the needle: its first and last bytes without the middle.
        std::string haystack(size, 'p');
        for (std::size_t i = 0; i < size; i += 3) haystack[i] = ':';
        haystack.replace(at, needle.size(), needle);
        const std::string_view text(haystack);
        CHECK(find_text(text, needle) == text.find(needle));
      }
      const std::string none(size, 'q');
      CHECK(find_text(none, needle) == std::string_view::npos);
    }
  }
}

TEST_CASE("find_text: first and last bytes alone are no match") {
  CHECK(find_text("pkgly:Xaudit pkgly::audiX pkgly::audit", "pkgly::audit") == 26);
  CHECK(find_text("p::::::::::::::::::::::::::::::::::::::::t", "pkgly::audit") ==
        std::string_view::npos);
  CHECK(find_text("", "") == 0);
  CHECK(find_text("abc", "") == 0);
  CHECK(find_text("ab", "abc") == std::string_view::npos);
}

TEST_CASE("find_last_text finds what string_view::rfind finds - from every position") {
  for (const std::string& needle : std::vector<std::string>{"", "p", "pk", "pkgly::audit"}) {
    for (std::size_t size = 0; size < 40; ++size) {
      std::string haystack(size, 'p');
      for (std::size_t i = 0; i < size; i += 3) haystack[i] = ':';
      // Two copies of the needle, so that `from` between them must find the first one.
      for (std::size_t at = 0; at + needle.size() <= size; at += 7)
        haystack.replace(at, needle.size(), needle);
      const std::string_view text(haystack);
      for (std::size_t from = 0; from <= size + 1; ++from)
        CHECK(find_last_text(text, needle, from) == text.rfind(needle, from));
      CHECK(find_last_text(text, needle) == text.rfind(needle));
    }
  }
  CHECK(find_last_text("ab", "abc") == std::string_view::npos);
  CHECK(find_last_text("pkgly:Xaudit pkgly::audit pkgly::audiX", "pkgly::audit") == 13);
}

}  // namespace pkgly_trail
