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
  pattern.rebuild_segments();
  return pattern;
}

WildcardPattern WildcardPattern::literal(std::string_view text, bool cased) {
  WildcardPattern pattern;
  pattern.cased_ = cased;
  for (const char c : text) pattern.push_literal(c);
  pattern.rebuild_segments();
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
  rebuild_segments();
}

void WildcardPattern::star_after() {
  push_run();
  rebuild_segments();
}

void WildcardPattern::rebuild_segments() {
  segments_.clear();
  segmented_ = has_wildcard_;
  for (const Element& e : elements_)
    if (e.kind == Kind::AnyOne) segmented_ = false;
  if (!segmented_) return;
  anchored_start_ = elements_.empty() || elements_.front().kind != Kind::AnyRun;
  anchored_end_ = elements_.empty() || elements_.back().kind != Kind::AnyRun;
  for (std::size_t i = 0; i < elements_.size(); ++i) {
    if (elements_[i].kind == Kind::AnyRun) continue;
    if (i == 0 || elements_[i - 1].kind == Kind::AnyRun) segments_.emplace_back();
    segments_.back().bytes.push_back(elements_[i].byte);
  }
  for (Segment& segment : segments_) {
    const std::string& b = segment.bytes;
    segment.fail.assign(b.size(), 0);
    for (std::size_t i = 1, k = 0; i < b.size(); ++i) {
      while (k > 0 && b[i] != b[k]) k = segment.fail[k - 1];
      if (b[i] == b[k]) ++k;
      segment.fail[i] = k;
    }
  }
}

bool WildcardPattern::matches_segments(std::string_view text) const noexcept {
  std::size_t t = 0;
  const std::size_t count = segments_.size();
  for (std::size_t s = 0; s < count; ++s) {
    const Segment& segment = segments_[s];
    const std::string& b = segment.bytes;
    const std::size_t m = b.size();
    const bool first = s == 0 && anchored_start_;
    const bool last = s + 1 == count && anchored_end_;
    auto equal_at = [&](std::size_t at) {
      for (std::size_t i = 0; i < m; ++i)
        if ((cased_ ? text[at + i] : fold(text[at + i])) != b[i]) return false;
      return true;
    };
    if (first || last) {
      // Anchored: one place only (the end's place must not overlap what came before).
      const std::size_t at = first ? 0 : text.size() - std::min(text.size(), m);
      if (text.size() < m || at < t || !equal_at(at)) return false;
      t = at + m;
      continue;
    }
    // Unanchored: the leftmost occurrence at or after t (KMP, linear).
    std::size_t k = 0;
    std::size_t found = std::string_view::npos;
    for (std::size_t i = t; i < text.size(); ++i) {
      const char c = cased_ ? text[i] : fold(text[i]);
      while (k > 0 && c != b[k]) k = segment.fail[k - 1];
      if (c == b[k]) ++k;
      if (k == m) {
        found = i + 1 - m;
        break;
      }
    }
    if (found == std::string_view::npos) return false;
    t = found + m;
  }
  return true;
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
  if (segmented_) return matches_segments(text);
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
