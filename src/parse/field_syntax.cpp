#include "field_syntax.hpp"

#include <array>
#include <cstring>

#include "debug_string.hpp"

namespace pkgly_trail {

namespace {

// 1: may start a key, 2: may continue one. A table, because this runs for every key byte.
constexpr auto kKeyChars = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = 3;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = 3;
  for (int c = '0'; c <= '9'; ++c) table[c] = 2;
  table['_'] = 3;
  table['.'] = 2;
  table['-'] = 2;
  return table;
}();
bool is_key_start(char c) noexcept {
  return kKeyChars[static_cast<unsigned char>(c)] & 1;
}
bool is_key_char(char c) noexcept {
  return kKeyChars[static_cast<unsigned char>(c)] & 2;
}

}  // namespace

std::string_view key_at(std::string_view text, std::size_t pos,
                        const FieldSyntax& syntax) noexcept {
  if (!matches_at(text, pos, syntax.key_open)) return {};
  std::size_t begin = pos + syntax.key_open.size();
  if (begin >= text.size() || !is_key_start(text[begin])) return {};
  std::size_t end = begin + 1;
  while (end < text.size() && is_key_char(text[end])) ++end;
  if (!matches_at(text, end, syntax.key_close)) return {};
  return text.substr(begin, end - begin);
}

std::size_t find_next_key(std::string_view text, std::size_t from,
                          const FieldSyntax& syntax) noexcept {
  // Search for the rarest byte of `separator key_open`: the ESC of an ANSI key, the ',' of a
  // pretty separator, else the space. Values are full of spaces; ESC and ',' are rare.
  const std::size_t anchor_offset = syntax.key_open.empty() ? 0 : syntax.separator.size();
  const char anchor = syntax.key_open.empty() ? syntax.separator[0] : syntax.key_open[0];
  const char* data = text.data();
  for (std::size_t at = from + anchor_offset; at < text.size();) {
    const void* hit = std::memchr(data + at, anchor, text.size() - at);
    if (hit == nullptr) return std::string_view::npos;
    const std::size_t found = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    at = found + 1;
    const std::size_t pos = found - anchor_offset;
    if (!matches_at(text, pos, syntax.separator)) continue;
    if (!key_at(text, pos + syntax.separator.size(), syntax).empty()) return pos;
  }
  return std::string_view::npos;
}

// The next key outside brackets: a message or Debug value such as `Rules { a: true, b: false }`
// contains `, b: ` that is not a field. When the brackets never balance (a Display value with a
// stray '('), the first key wins after all.
std::size_t find_next_key_balanced(std::string_view text, std::size_t from,
                                   const FieldSyntax& syntax) noexcept {
  std::size_t first = find_next_key(text, from, syntax);
  if (first == std::string_view::npos) return first;
  int depth = 0;
  std::size_t scanned = from;
  for (std::size_t candidate = first; candidate != std::string_view::npos;
       candidate = find_next_key(text, candidate + 1, syntax)) {
    for (; scanned < candidate; ++scanned) {
      char c = text[scanned];
      if (c == '(' || c == '[' || c == '{') ++depth;
      if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    }
    if (depth == 0) return candidate;
  }
  for (; scanned < text.size() && depth > 0; ++scanned) {
    char c = text[scanned];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
  }
  return depth == 0 ? std::string_view::npos : first;
}

Value type_bare_value(std::string_view text) noexcept {
  if (text == "true") return Value::boolean(true);
  if (text == "false") return Value::boolean(false);
  if (text.empty()) return Value::string(text);
  std::size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return Value::string(text);
  bool digits = false, dot = false, exponent = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot && !exponent && digits) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && !exponent && digits) {
      exponent = true;
      if (i + 1 < text.size() && (text[i + 1] == '-' || text[i + 1] == '+')) ++i;
    } else {
      return Value::string(text);
    }
  }
  if (!digits || text.back() == '.' || text.back() == 'e' || text.back() == 'E')
    return Value::string(text);
  // A leading zero is how a string such as a zip code looks, not a number JSON accepts.
  std::size_t first = text[0] == '-' ? 1 : 0;
  if (text.size() > first + 1 && text[first] == '0' && text[first + 1] != '.')
    return Value::string(text);
  return dot || exponent ? Value::floating(text) : Value::integer(text);
}

void split_fields(std::string_view text, const FieldSyntax& syntax, bool with_message,
                  std::optional<std::string_view>* message, std::vector<Field>& out,
                  TextArena& arena) {
  std::size_t pos = 0;
  if (key_at(text, 0, syntax).empty()) {
    std::size_t first = find_next_key_balanced(text, 0, syntax);
    std::string_view head = text.substr(0, first);
    if (with_message && message) *message = head;
    if (first == std::string_view::npos) return;
    pos = first + syntax.separator.size();
  }
  const std::size_t first_field = out.size();
  while (pos < text.size()) {
    std::string_view key = key_at(text, pos, syntax);
    if (key.empty()) return;  // cannot happen: pos always points at a key
    if (out.size() - first_field == kMaxSplitFields - 1) {
      // A hostile value of a million ` a=`: the last field keeps the rest as text, so a
      // record's size stays a small multiple of its text (docs/security.md, bounded cost).
      out.push_back(Field{key, Value::string(text.substr(pos + syntax.key_open.size() + key.size() +
                                                         syntax.key_close.size()))});
      return;
    }
    std::size_t value_begin = pos + syntax.key_open.size() + key.size() + syntax.key_close.size();
    std::string_view rest = text.substr(value_begin);
    std::size_t value_end = std::string_view::npos;
    Value value;
    if (!rest.empty() && rest[0] == '"') {
      // A quoted value ends at its closing quote, whatever it contains, if a key or the end
      // follows; otherwise it is an unquoted Display value that happens to start with '"'.
      if (auto length = debug_string_length(rest)) {
        std::size_t after = value_begin + *length;
        if (after == text.size() ||
            (matches_at(text, after, syntax.separator) &&
             !key_at(text, after + syntax.separator.size(), syntax).empty())) {
          value = Value::string(unescape_debug_string(rest.substr(0, *length), arena));
          value_end = after;
        }
      }
    }
    if (value_end == std::string_view::npos) {
      std::size_t next = find_next_key_balanced(text, value_begin, syntax);
      value_end = next == std::string_view::npos ? text.size() : next;
      value = type_bare_value(text.substr(value_begin, value_end - value_begin));
    }
    out.push_back(Field{key, value});
    if (value_end >= text.size()) return;
    pos = value_end + syntax.separator.size();
  }
}

}  // namespace pkgly_trail
