#include "wildcard.hpp"

namespace pkgly_trail::hunt {
namespace {

constexpr char fold(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

constexpr bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// The index after the UTF-8 character at `i`: one byte, then its continuation bytes.
std::size_t next_character(std::string_view text, std::size_t i) noexcept {
  ++i;
  while (i < text.size() && is_continuation(text[i])) ++i;
  return i;
}

}  // namespace

WildcardPattern WildcardPattern::from_sigma(std::string_view value, bool cased) {
  WildcardPattern pattern;
  pattern.cased_ = cased;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
      pattern.push_literal(value[++i]);
    } else if (c == '*') {
      pattern.push_run();
    } else if (c == '?') {
      pattern.elements_.push_back({Kind::AnyOne, 0});
      pattern.has_wildcard_ = true;
    } else {
      pattern.push_literal(c);
    }
  }
  return pattern;
}

WildcardPattern WildcardPattern::literal(std::string_view text, bool cased) {
  WildcardPattern pattern;
  pattern.cased_ = cased;
  for (const char c : text) pattern.push_literal(c);
  return pattern;
}

void WildcardPattern::push_literal(char byte) {
  elements_.push_back({Kind::Literal, cased_ ? byte : fold(byte)});
}

// Consecutive stars are one star: it keeps the matcher's backtracking to a single point.
void WildcardPattern::push_run() {
  if (elements_.empty() || elements_.back().kind != Kind::AnyRun)
    elements_.push_back({Kind::AnyRun, 0});
  has_wildcard_ = true;
}

void WildcardPattern::star_before() {
  if (elements_.empty() || elements_.front().kind != Kind::AnyRun)
    elements_.insert(elements_.begin(), {Kind::AnyRun, 0});
  has_wildcard_ = true;
}

void WildcardPattern::star_after() {
  push_run();
}

// The classic greedy matcher: on a mismatch it returns to the last `*` seen and lets it take
// one more character. Only the last star is ever revisited (a later star subsumes what an
// earlier one could still do), so there is no recursion and no allocation; the worst case is
// O(text * pattern), which rule values (tens of bytes) over field values keep small.
bool WildcardPattern::matches(std::string_view text) const noexcept {
  const std::size_t n = elements_.size();
  if (!has_wildcard_) {
    if (text.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = cased_ ? text[i] : fold(text[i]);
      if (c != elements_[i].byte) return false;
    }
    return true;
  }
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t t = 0;
  std::size_t p = 0;
  std::size_t star_p = kNone;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < n) {
      const Element& e = elements_[p];
      if (e.kind == Kind::Literal && (cased_ ? text[t] : fold(text[t])) == e.byte) {
        ++t;
        ++p;
        continue;
      }
      if (e.kind == Kind::AnyOne) {
        t = next_character(text, t);
        ++p;
        continue;
      }
      if (e.kind == Kind::AnyRun) {
        star_p = p++;
        star_t = t;
        continue;
      }
    }
    if (star_p == kNone) return false;
    p = star_p + 1;
    star_t = next_character(text, star_t);
    t = star_t;
  }
  while (p < n && elements_[p].kind == Kind::AnyRun) ++p;
  return p == n;
}

std::string WildcardPattern::to_sigma() const {
  std::string out;
  for (const Element& e : elements_) {
    switch (e.kind) {
      case Kind::AnyRun:
        out += '*';
        break;
      case Kind::AnyOne:
        out += '?';
        break;
      case Kind::Literal:
        if (e.byte == '*' || e.byte == '?' || e.byte == '\\') out += '\\';
        out += e.byte;
        break;
    }
  }
  return out;
}

}  // namespace pkgly_trail::hunt
