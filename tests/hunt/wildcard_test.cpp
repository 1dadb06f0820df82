// The wildcard matcher against a plain reference, on every small pattern over a small
// alphabet: the star-only patterns go through the segment search (KMP), the others through the
// greedy matcher, and both must agree with the definition.
#include "hunt/wildcard.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace pkgly_trail::hunt {

namespace {

// The definition, by recursion: `*` any run, `?` one byte (ASCII texts here), case folded.
bool reference(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*')
    return reference(pattern.substr(1), text) ||
           (!text.empty() && reference(pattern, text.substr(1)));
  if (text.empty()) return false;
  const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(pattern[0])));
  const char t = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return (pattern[0] == '?' || p == t) && reference(pattern.substr(1), text.substr(1));
}

std::vector<std::string> all_strings(std::string_view alphabet, std::size_t max_length) {
  std::vector<std::string> out{""};
  for (std::size_t begin = 0, length = 1; length <= max_length; ++length) {
    const std::size_t end = out.size();
    for (std::size_t i = begin; i < end; ++i)
      for (char c : alphabet) out.push_back(out[i] + c);
    begin = end;
  }
  return out;
}

}  // namespace

TEST_CASE("wildcard patterns agree with their definition", "[hunt][detection]") {
  const std::vector<std::string> patterns = all_strings("aA*?b", 5);
  const std::vector<std::string> texts = all_strings("abA", 6);
  std::size_t checked = 0;
  for (const std::string& pattern : patterns) {
    const WildcardPattern matcher = WildcardPattern::from_sigma(pattern, false);
    for (const std::string& text : texts) {
      if (matcher.matches(text) != reference(pattern, text)) {
        INFO("pattern '" << pattern << "' text '" << text << "'");
        CHECK(matcher.matches(text) == reference(pattern, text));
      }
      ++checked;
    }
  }
  CHECK(checked == patterns.size() * texts.size());
}

TEST_CASE("contains startswith and endswith agree with their definition", "[hunt][detection]") {
  for (const std::string& value : all_strings("ab", 4)) {
    WildcardPattern contains = WildcardPattern::literal(value, false);
    contains.star_before();
    contains.star_after();
    WildcardPattern starts = WildcardPattern::literal(value, false);
    starts.star_after();
    WildcardPattern ends = WildcardPattern::literal(value, false);
    ends.star_before();
    for (const std::string& text : all_strings("abB", 5)) {
      INFO("value '" << value << "' text '" << text << "'");
      CHECK(contains.matches(text) == reference("*" + value + "*", text));
      CHECK(starts.matches(text) == reference(value + "*", text));
      CHECK(ends.matches(text) == reference("*" + value, text));
    }
  }
}

}  // namespace pkgly_trail::hunt
