#include "pkgly_trail/parse/text_formats.hpp"

namespace pkgly_trail {

namespace {
bool digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
  if (pos + count > text.size()) return false;
  for (std::size_t i = pos; i < pos + count; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}
}  // namespace

std::size_t timestamp_length(std::string_view t) noexcept {
  // YYYY-MM-DDTHH:MM:SS
  if (!digits(t, 0, 4) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2) || t[7] != '-' ||
      !digits(t, 8, 2) || t[10] != 'T' || !digits(t, 11, 2) || t[13] != ':' || !digits(t, 14, 2) ||
      t[16] != ':' || !digits(t, 17, 2))
    return 0;
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    if (pos == start) return 0;
  }
  if (pos < t.size() && t[pos] == 'Z') return pos + 1;
  if (pos < t.size() && (t[pos] == '+' || t[pos] == '-') && digits(t, pos + 1, 2) &&
      pos + 3 < t.size() && t[pos + 3] == ':' && digits(t, pos + 4, 2))
    return pos + 6;
  return 0;
}

}  // namespace pkgly_trail
