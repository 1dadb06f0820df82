#include "pkgly_trail/sink/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pkgly_trail/record/utf8.hpp"

namespace pkgly_trail {
namespace {

constexpr bool is_plain_ascii(unsigned char c) noexcept {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

// Index of the first byte at or after `i` that is not plain ASCII. This is the hot loop of
// every JSON output: 16 bytes are checked at once where SSE2 exists (all x86-64).
std::size_t skip_plain_ascii(std::string_view text, std::size_t i) noexcept {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7f);
  while (i + 16 <= text.size()) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // Signed comparison: bytes >= 0x80 are negative, so "< 0x20" catches them too.
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, quote)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  while (i < text.size() && is_plain_ascii(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

bool fits_machine_number(const Value& value) noexcept {
  const char* begin = value.text.data();
  const char* end = begin + value.text.size();
  if (value.kind == ValueKind::Integer) {
    std::int64_t i = 0;
    if (std::from_chars(begin, end, i).ec == std::errc()) return true;
    std::uint64_t u = 0;
    return std::from_chars(begin, end, u).ec == std::errc();
  }
  double d = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, d);
  return ec == std::errc() && ptr == end && std::isfinite(d);
}

void append_escape(fmt::memory_buffer& out, unsigned char c) {
  auto short_escape = [&](char letter) {
    out.push_back('\\');
    out.push_back(letter);
  };
  switch (c) {
    case '"':
      return short_escape('"');
    case '\\':
      return short_escape('\\');
    case '\n':
      return short_escape('n');
    case '\r':
      return short_escape('r');
    case '\t':
      return short_escape('t');
    case '\b':
      return short_escape('b');
    case '\f':
      return short_escape('f');
    default: {
      constexpr char kHex[] = "0123456789abcdef";
      const char code[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(code, code + sizeof code);
    }
  }
}

}  // namespace

bool is_json_number(std::string_view text) noexcept {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// Log text is arbitrary bytes (Display values carry whatever a user typed), but the output must
// be valid JSON, which is UTF-8: well-formed multi-byte sequences are copied as they are, and
// every byte that is not part of one becomes U+FFFD (one replacement per invalid byte, so the
// number of bad bytes stays visible). DEL is escaped too, so the output never carries a
// control character a terminal would act on.
void append_json_string(fmt::memory_buffer& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes that can be copied unchanged
  std::size_t i = 0;
  while ((i = skip_plain_ascii(text, i)) < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const utf8::Decoded decoded = utf8::decode(text, i);
      if (decoded.length > 0) {
        i += decoded.length;
        continue;
      }
    }
    out.append(text.data() + run, text.data() + i);
    if (c >= 0x80) {
      out.append(std::string_view("\\ufffd"));
    } else {
      append_escape(out, c);
    }
    run = ++i;
  }
  out.append(text.data() + run, text.data() + i);
  out.push_back('"');
}

void append_json_value(fmt::memory_buffer& out, const Value& value) {
  switch (value.kind) {
    case ValueKind::String:
      return append_json_string(out, value.text);
    case ValueKind::Integer:
    case ValueKind::Float:
      // The literal as logged keeps every digit; text that is no JSON number (NaN, inf, 1.), or
      // a number no 64-bit integer or double can hold (1e999999, 30 digits), becomes a string
      // rather than a line that common JSON readers reject.
      if (is_json_number(value.text) && fits_machine_number(value)) {
        out.append(value.text);
      } else {
        append_json_string(out, value.text);
      }
      return;
    case ValueKind::Bool:
      if (value.text == "true" || value.text == "false") {
        out.append(value.text);
      } else {
        append_json_string(out, value.text);
      }
      return;
    case ValueKind::Null:
      out.append(std::string_view("null"));
      return;
  }
}

namespace {

// A span field recorded after creation (otel.name) can repeat a key, and JSON objects need
// unique keys: each key is written once, where it first appeared, with its last value (the one
// tracing shows). Quadratic, but a record has a few dozen fields at most and this allocates
// nothing.
void append_fields_object(JsonWriter& json, std::span<const Field> fields) {
  json.begin_object();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view key = fields[i].key;
    bool seen_before = false;
    for (std::size_t j = 0; j < i && !seen_before; ++j) seen_before = fields[j].key == key;
    if (seen_before) continue;
    const Value* value = &fields[i].value;
    for (std::size_t j = i + 1; j < fields.size(); ++j)
      if (fields[j].key == key) value = &fields[j].value;
    json.key(key).value(*value);
  }
  json.end_object();
}

}  // namespace

void append_record_members(JsonWriter& json, const Record& record) {
  json.key("timestamp").string_or_null(record.timestamp);
  json.key("level").string(to_string(record.level));
  json.key("target").string(record.target);
  json.key("message");
  if (record.message) {
    json.string(*record.message);
  } else {
    json.null();
  }
  json.key("fields");
  append_fields_object(json, record.fields);
  json.key("spans").begin_array();
  for (const Span& span : record.spans) {
    json.begin_object().key("name").string(span.name).key("fields");
    append_fields_object(json, record.fields_of(span));
    json.end_object();
  }
  json.end_array();
  json.key("request_id").string_or_null(record.request_id);
  json.key("trace_id").string_or_null(record.valid_trace_id());
  // Only where the log can be read two ways (docs/security.md): why this record may not be
  // what Pkgly wrote. Before "source", which stays the last member of the record's own.
  if (!record.suspect.empty()) json.key("suspect").string(record.suspect);
  json.key("source").begin_object();
  json.key("input").string(record.source.input);
  json.key("line").number(record.source.line);
  json.end_object();
}

void begin_contract_line(JsonWriter& json) {
  json.begin_object().key("contract").number(kJsonContractVersion);
}

void append_record_json(fmt::memory_buffer& out, const Record& record) {
  JsonWriter json(out);
  json.begin_object();
  append_record_members(json, record);
  json.end_object();
}

void append_record_line(fmt::memory_buffer& out, const Record& record) {
  JsonWriter json(out);
  begin_contract_line(json);
  append_record_members(json, record);
  json.end_object();
}

}  // namespace pkgly_trail
