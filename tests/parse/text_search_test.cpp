// find_text (each kernel) and find_last_text against std::string_view::find and rfind on every
// position of haystacks that cross the 16- and 32-byte blocks of the SIMD loops.
#include "parse/text_search.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace pkgly_trail {

// Every kernel this CPU can run.
std::vector<TextSearchKernel> kernels() {
  std::vector<TextSearchKernel> all{TextSearchKernel::Best, TextSearchKernel::Portable};
#if defined(__x86_64__)
  all.push_back(TextSearchKernel::Sse2);
  if (best_text_search_kernel() == TextSearchKernel::Avx2) all.push_back(TextSearchKernel::Avx2);
#endif
  return all;
}

TEST_CASE("find_text finds what string_view::find finds - wherever it is") {
  for (TextSearchKernel kernel : kernels()) {
    for (const std::string& needle : std::vector<std::string>{
             "p", "pk", "kg", "pkgly::", "pkgly::audit", std::string(40, 'x'), "gkgkgkk"}) {
      for (std::size_t size = 0; size < 110; ++size) {
        for (std::size_t at = 0; at + needle.size() <= size; ++at) {
          // Near misses around the needle: its rare bytes without the rest, both ends.
          std::string haystack(size, 'p');
          for (std::size_t i = 0; i < size; i += 3) haystack[i] = ':';
          for (std::size_t i = 1; i < size; i += 5) haystack[i] = 'k';
          for (std::size_t i = 2; i < size; i += 5) haystack[i] = 'g';
          haystack.replace(at, needle.size(), needle);
          const std::string_view text(haystack);
          CHECK(find_text(text, needle, kernel) == text.find(needle));
        }
        const std::string none(size, 'q');
        CHECK(find_text(none, needle, kernel) == std::string_view::npos);
      }
    }
  }
}

TEST_CASE(
    "find_text and find_last_text agree with find and rfind on random text over a small alphabet") {
  // Four letters make partial matches of every length common; the needles are drawn from the
  // same letters, so many occur and many nearly do.
  std::uint32_t state = 20261201;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  constexpr std::string_view kLetters = "kgy:";
  for (int round = 0; round < 4000; ++round) {
    std::string haystack(next() % 200, ' ');
    for (char& c : haystack) c = kLetters[next() % kLetters.size()];
    std::string needle(1 + next() % 6, ' ');
    for (char& c : needle) c = kLetters[next() % kLetters.size()];
    for (TextSearchKernel kernel : kernels())
      CHECK(find_text(haystack, needle, kernel) == std::string_view(haystack).find(needle));
    CHECK(find_last_text(haystack, needle) == std::string_view(haystack).rfind(needle));
  }
}

TEST_CASE("find_text: the rare bytes alone are no match") {
  for (TextSearchKernel kernel : kernels()) {
    CHECK(find_text("pkgly:Xaudit pkgly::audiX pkgly::audit", "pkgly::audit", kernel) == 26);
    CHECK(find_text("p::::::::::::::::::::::::::::::::::::::::t", "pkgly::audit", kernel) ==
          std::string_view::npos);
    CHECK(find_text(std::string(100, 'k') + "kgkgkgkgkgkgkgkgkgkgkgkgkgkgkgkg", "pkgly::audit",
                    kernel) == std::string_view::npos);
    CHECK(find_text("", "", kernel) == 0);
    CHECK(find_text("abc", "", kernel) == 0);
    CHECK(find_text("ab", "abc", kernel) == std::string_view::npos);
  }
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
  // A json member: its first and last bytes, '"', are everywhere in a json line.
  const std::string json = R"({"a":"x","target":"pkgly::audit","b":"\"target\":\"y\""})";
  CHECK(find_last_text(json, R"("target":"pkgly::audit")") == json.find(R"("target")"));
  CHECK(find_last_text(json, R"("target":"pkgly::access")") == std::string_view::npos);
  CHECK(find_last_text("pkgly:Xaudit pkgly::audit pkgly::audiX", "pkgly::audit") == 13);
}

}  // namespace pkgly_trail
