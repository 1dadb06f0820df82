#pragma once
// A Sigma string value as a matcher: literal text with `*` (any run of characters) and `?`
// (exactly one character), after Sigma's escapes (`\*`, `\?`, `\\`; any other backslash is
// literal). Case-insensitive unless built `cased`: ASCII letters only are folded, as Pkgly's
// audit values (actions, outcomes, names, paths) are compared by operators in ASCII; a
// non-ASCII letter matches only itself.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::hunt {

class WildcardPattern {
 public:
  // `value` as a rule writes it: wildcards and escapes apply.
  static WildcardPattern from_sigma(std::string_view value, bool cased);
  // Every character literal: the text of a number or a boolean.
  static WildcardPattern literal(std::string_view text, bool cased);

  // `contains`, `startswith` and `endswith` are a `*` around the value, as Sigma defines them.
  void star_before();
  void star_after();

  // Allocates nothing. `?` and a backtracking `*` step over one UTF-8 character (a stray byte
  // of invalid UTF-8 counts as one).
  bool matches(std::string_view text) const noexcept;

  // The pattern back in Sigma's notation (for tests and messages).
  std::string to_sigma() const;

 private:
  enum class Kind : std::uint8_t { Literal, AnyOne, AnyRun };
  struct Element {
    Kind kind = Kind::Literal;
    char byte = 0;  // Literal: folded to lower case unless cased_
  };

  void push_literal(char byte);
  void push_run();
  // After every change: the literal runs between stars, when the pattern has no `?`.
  void rebuild_segments();
  // A pattern of literal runs and stars only (`contains`, `startswith`, `endswith`, `a*b`):
  // each run is found at its leftmost place after the one before, which is exact for stars,
  // with a Knuth-Morris-Pratt search: linear in the text, whatever the run (an adversarial
  // review took 28 s for 100 values of 30 KB against a 5,000-character `contains`).
  bool matches_segments(std::string_view text) const noexcept;

  // One literal run between stars, and its KMP failure table.
  struct Segment {
    std::string bytes;              // folded unless cased_
    std::vector<std::size_t> fail;  // fail[i]: the longest proper border of bytes[0..i]
  };

  std::vector<Element> elements_;
  bool cased_ = false;
  bool has_wildcard_ = false;
  bool segmented_ = false;       // no `?`: matches_segments decides
  bool anchored_start_ = false;  // the first segment starts the text
  bool anchored_end_ = false;    // the last segment ends the text
  std::vector<Segment> segments_;
};

}  // namespace pkgly_trail::hunt
