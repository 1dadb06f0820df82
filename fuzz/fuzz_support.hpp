#pragma once
// Checks shared by the fuzz targets. A failed check prints what broke and aborts, so libFuzzer
// keeps the input as a crash file. The checkers are written independently of src/ (their own
// UTF-8 decoder, CSV reader, JSON grammar), so they do not share a bug with the code under test.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "pkgly_trail/record/record.hpp"
#include "pkgly_trail/sink/json_writer.hpp"

namespace pkgly_trail::fuzz {

// Non-printable bytes as \xNN, cut to a readable length.
inline std::string shown(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 2000)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  if (text.size() > 2000) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

[[noreturn]] inline void fail(const char* file, int line, const char* what,
                              std::string_view detail) {
  std::fprintf(stderr, "\n==== fuzz check failed at %s:%d: %s\n%s\n", file, line, what,
               std::string(detail).c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                                                 \
  do {                                                                           \
    if (!(cond)) ::pkgly_trail::fuzz::fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)

// Reads every byte of a view: ASan reports a view into freed or foreign memory here.
inline void touch(std::string_view text) {
  volatile unsigned sum = 0;
  for (const char c : text) sum = sum + static_cast<unsigned char>(c);
  (void)sum;
}

// Every view of the record is readable and every span's field range is inside span_fields.
inline void check_record(const Record& record) {
  touch(record.timestamp);
  touch(record.target);
  if (record.message) touch(*record.message);
  touch(record.request_id);
  touch(record.trace_id);
  touch(record.source.input);
  touch(record.service);
  FUZZ_CHECK(static_cast<unsigned>(record.level) <= static_cast<unsigned>(Level::Error), "");
  FUZZ_CHECK(static_cast<unsigned>(record.format) <= static_cast<unsigned>(Format::Json), "");
  for (const Field& f : record.fields) {
    touch(f.key);
    touch(f.value.text);
  }
  for (const Field& f : record.span_fields) {
    touch(f.key);
    touch(f.value.text);
  }
  for (const Span& s : record.spans) {
    touch(s.name);
    FUZZ_CHECK(std::uint64_t{s.first_field} + s.field_count <= record.span_fields.size(),
               fmt::format("span '{}' fields {}+{} of {}", shown(s.name), s.first_field,
                           s.field_count, record.span_fields.size()));
  }
}

// The record as `records -o json` writes it: one NDJSON line of the record contract.
inline std::string record_json(const Record& record) {
  fmt::memory_buffer buffer;
  append_record_line(buffer, record);
  return fmt::to_string(buffer);
}

// ---- JSON ----------------------------------------------------------------------------------

// RFC 8259 grammar, used when simdjson rejects a number it cannot represent (1e400, a 400-digit
// integer): those are valid JSON all the same.
class JsonGrammar {
 public:
  explicit JsonGrammar(std::string_view text) : text_(text) {}
  bool valid() {
    skip_ws();
    if (!value(0)) return false;
    skip_ws();
    return pos_ == text_.size();
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }
  bool digits() {
    const std::size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }
  bool number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return false;
    }
    return true;
  }
  bool string() {
    if (peek() != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        const char e = peek();
        if (e == 'u') {
          for (int i = 0; i < 4; ++i) {
            ++pos_;
            if (!std::isxdigit(static_cast<unsigned char>(peek()))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos || e == '\0') {
          return false;
        }
      }
      ++pos_;
    }
    return false;
  }
  bool value(int depth) {
    if (depth > 64) return false;
    skip_ws();
    switch (peek()) {
      case '{': {
        ++pos_;
        skip_ws();
        if (peek() == '}') return ++pos_, true;
        for (;;) {
          skip_ws();
          if (!string()) return false;
          skip_ws();
          if (peek() != ':') return false;
          ++pos_;
          if (!value(depth + 1)) return false;
          skip_ws();
          if (peek() == '}') return ++pos_, true;
          if (peek() != ',') return false;
          ++pos_;
        }
      }
      case '[': {
        ++pos_;
        skip_ws();
        if (peek() == ']') return ++pos_, true;
        for (;;) {
          if (!value(depth + 1)) return false;
          skip_ws();
          if (peek() == ']') return ++pos_, true;
          if (peek() != ',') return false;
          ++pos_;
        }
      }
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline simdjson::dom::parser& dom_parser() {
  static simdjson::dom::parser parser;
  return parser;
}

namespace json_detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Copies out of the simdjson_result: a range-for over `e.get_object().value_unsafe()` would
// iterate a reference into a destroyed temporary.
inline simdjson::dom::object object_of(element e) {
  simdjson::dom::object object;
  FUZZ_CHECK(!e.get_object().get(object), "not an object");
  return object;
}
inline simdjson::dom::array array_of(element e) {
  simdjson::dom::array array;
  FUZZ_CHECK(!e.get_array().get(array), "not an array");
  return array;
}

inline bool is_string_or_null(element e) {
  return e.type() == element_type::STRING || e.type() == element_type::NULL_VALUE;
}

// `{"key": scalar, ...}` with unique keys.
inline void check_fields_object(element e, std::string_view line) {
  FUZZ_CHECK(e.type() == element_type::OBJECT, shown(line));
  std::set<std::string_view> keys;
  for (auto member : object_of(e)) {
    FUZZ_CHECK(keys.insert(member.key).second,
               fmt::format("duplicate key '{}' in: {}", shown(member.key), shown(line)));
    const element_type type = member.value.type();
    FUZZ_CHECK(type != element_type::OBJECT && type != element_type::ARRAY, shown(line));
  }
}

// `top`: an NDJSON line, led by the contract's version ("contract": 1); nested records are not.
inline void check_record_object(element e, bool joined, std::string_view line, bool top = false) {
  static constexpr std::array<std::string_view, 12> kKeys = {
      "timestamp",  "level",    "target", "message", "fields",  "spans",
      "request_id", "trace_id", "source", "access",  "related", "joined_by"};
  FUZZ_CHECK(e.type() == element_type::OBJECT, shown(line));
  std::size_t index = 0;
  bool versioned = !top;
  for (auto member : object_of(e)) {
    if (!versioned) {
      std::uint64_t version = 0;
      FUZZ_CHECK(
          member.key == "contract" && !member.value.get_uint64().get(version) && version == 1,
          fmt::format("no contract version first: {}", shown(line)));
      versioned = true;
      continue;
    }
    // "suspect" (a string, why the record may not be what Pkgly wrote) may stand before
    // "source" (docs/output-contracts.md).
    if (index == 8 && member.key == "suspect") {
      FUZZ_CHECK(member.value.type() == element_type::STRING, shown(line));
      continue;
    }
    FUZZ_CHECK(index < (joined ? 12u : 9u), fmt::format("extra key: {}", shown(line)));
    FUZZ_CHECK(member.key == kKeys[index],
               fmt::format("key {} is '{}', expected '{}': {}", index, shown(member.key),
                           kKeys[index], shown(line)));
    const element v = member.value;
    switch (index) {
      case 0:  // timestamp
      case 3:  // message
      case 6:  // request_id
        FUZZ_CHECK(is_string_or_null(v), shown(line));
        break;
      case 1: {
        std::string_view level;
        FUZZ_CHECK(!v.get_string().get(level), shown(line));
        FUZZ_CHECK(level == "TRACE" || level == "DEBUG" || level == "INFO" || level == "WARN" ||
                       level == "ERROR",
                   shown(line));
        break;
      }
      case 2:
        FUZZ_CHECK(v.type() == element_type::STRING, shown(line));
        break;
      case 4:
        check_fields_object(v, line);
        break;
      case 5:
        FUZZ_CHECK(v.type() == element_type::ARRAY, shown(line));
        for (element span : array_of(v)) {
          FUZZ_CHECK(span.type() == element_type::OBJECT, shown(line));
          std::size_t i = 0;
          for (auto m : object_of(span)) {
            FUZZ_CHECK(i < 2 && m.key == (i == 0 ? "name" : "fields"), shown(line));
            if (i == 0) FUZZ_CHECK(m.value.type() == element_type::STRING, shown(line));
            if (i == 1) check_fields_object(m.value, line);
            ++i;
          }
          FUZZ_CHECK(i == 2, shown(line));
        }
        break;
      case 7: {
        // null, or a usable W3C trace id: 32 hex digits, not all zeros.
        if (v.type() == element_type::NULL_VALUE) break;
        std::string_view id;
        FUZZ_CHECK(!v.get_string().get(id), shown(line));
        FUZZ_CHECK(id.size() == 32 &&
                       id.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos &&
                       id.find_first_not_of('0') != std::string_view::npos,
                   shown(line));
        break;
      }
      case 8: {
        FUZZ_CHECK(v.type() == element_type::OBJECT, shown(line));
        std::size_t i = 0;
        for (auto m : object_of(v)) {
          FUZZ_CHECK(i < 2 && m.key == (i == 0 ? "input" : "line"), shown(line));
          if (i == 0) FUZZ_CHECK(m.value.type() == element_type::STRING, shown(line));
          if (i == 1)
            FUZZ_CHECK(
                m.value.type() == element_type::UINT64 || m.value.type() == element_type::INT64,
                shown(line));
          ++i;
        }
        FUZZ_CHECK(i == 2, shown(line));
        break;
      }
      case 9:
        if (v.type() != element_type::NULL_VALUE) check_record_object(v, false, line);
        break;
      case 10:
        FUZZ_CHECK(v.type() == element_type::ARRAY, shown(line));
        for (element related : array_of(v)) check_record_object(related, false, line);
        break;
      case 11: {
        if (v.type() == element_type::NULL_VALUE) break;
        std::string_view by;
        FUZZ_CHECK(!v.get_string().get(by), shown(line));
        FUZZ_CHECK(by == "request_id" || by == "trace_id" || by == "adjacency", shown(line));
        break;
      }
    }
    ++index;
  }
  FUZZ_CHECK(index == (joined ? 12u : 9u), fmt::format("missing keys: {}", shown(line)));
}

}  // namespace json_detail

// One NDJSON line (without its '\n') of the record contract, or of the join contract.
// Returns the parsed element's related count for joined lines (0 otherwise), or -1 when only
// the grammar could be checked.
inline long check_json_line(std::string_view line, bool joined) {
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    FUZZ_CHECK(byte >= 0x20 && byte != 0x7f,
               fmt::format("raw control byte 0x{:02x} in JSON: {}", byte, shown(line)));
  }
  simdjson::dom::element doc;
  const simdjson::error_code error = dom_parser().parse(line.data(), line.size()).get(doc);
  if (error == simdjson::NUMBER_ERROR) {
    // simdjson cannot hold numbers beyond a double; such a line is still valid JSON.
    FUZZ_CHECK(JsonGrammar(line).valid(), fmt::format("invalid JSON: {}", shown(line)));
    return -1;
  }
  FUZZ_CHECK(!error, fmt::format("simdjson: {}: {}", simdjson::error_message(error), shown(line)));
  json_detail::check_record_object(doc, joined, line, true);
  if (!joined) return 0;
  simdjson::dom::element related;
  FUZZ_CHECK(!doc["related"].get(related), shown(line));
  return static_cast<long>(json_detail::array_of(related).size());
}

namespace json_detail {

// Objects at every depth have unique keys (a nested document built piecewise must not open the
// same object twice).
inline void check_unique_keys(element e, std::string_view line) {
  if (e.type() == element_type::ARRAY) {
    for (element item : array_of(e)) check_unique_keys(item, line);
    return;
  }
  if (e.type() != element_type::OBJECT) return;
  std::set<std::string_view> keys;
  for (auto member : object_of(e)) {
    FUZZ_CHECK(keys.insert(member.key).second,
               fmt::format("duplicate key '{}' in: {}", shown(member.key), shown(line)));
    check_unique_keys(member.value, line);
  }
}

}  // namespace json_detail

// One NDJSON line (without its '\n') holding any JSON object with unique keys (ECS documents).
inline void check_json_document(std::string_view line) {
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    FUZZ_CHECK(byte >= 0x20 && byte != 0x7f,
               fmt::format("raw control byte 0x{:02x} in JSON: {}", byte, shown(line)));
  }
  simdjson::dom::element doc;
  const simdjson::error_code error = dom_parser().parse(line.data(), line.size()).get(doc);
  if (error == simdjson::NUMBER_ERROR) {
    FUZZ_CHECK(JsonGrammar(line).valid(), fmt::format("invalid JSON: {}", shown(line)));
    return;
  }
  FUZZ_CHECK(!error, fmt::format("simdjson: {}: {}", simdjson::error_message(error), shown(line)));
  FUZZ_CHECK(doc.type() == simdjson::dom::element_type::OBJECT, shown(line));
  json_detail::check_unique_keys(doc, line);
}

// ---- text ----------------------------------------------------------------------------------

// Decodes one UTF-8 character (Unicode table 3-7). Length 0: not well-formed.
struct Utf8Char {
  std::uint32_t code_point = 0;
  std::size_t length = 0;
};

inline Utf8Char decode_utf8(std::string_view text, std::size_t pos) {
  const auto at = [&](std::size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0x100u;
  };
  const auto cont = [&](std::size_t i) { return at(i) >= 0x80 && at(i) <= 0xBF; };
  const unsigned b0 = at(0);
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) return {((b0 & 0x1F) << 6) | (at(1) & 0x3F), 2};
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const std::uint32_t cp = ((b0 & 0x0F) << 12) | ((at(1) & 0x3F) << 6) | (at(2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const std::uint32_t cp =
        ((b0 & 0x07) << 18) | ((at(1) & 0x3F) << 12) | ((at(2) & 0x3F) << 6) | (at(3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return {};
    return {cp, 4};
  }
  return {};
}

// Text output for a terminal: valid UTF-8, no control character but '\n', no C1 control, no
// bidi override; ESC only as one of the sink's own colour codes, and only with colour on.
// Returns the number of lines.
inline std::size_t check_terminal_text(std::string_view text, bool color) {
  static constexpr std::array<std::string_view, 7> kOwnCodes = {
      "\x1b[0m", "\x1b[1;31m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m", "\x1b[35m"};
  std::size_t lines = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      FUZZ_CHECK(color,
                 fmt::format("ESC in text output with colour off at {}: {}", i, shown(text)));
      const auto own = std::find_if(kOwnCodes.begin(), kOwnCodes.end(), [&](std::string_view code) {
        return text.compare(i, code.size(), code) == 0;
      });
      FUZZ_CHECK(own != kOwnCodes.end(),
                 fmt::format("foreign escape sequence at {}: {}", i, shown(text)));
      i += own->size();
      continue;
    }
    if (c == '\n') {
      ++lines;
      ++i;
      continue;
    }
    FUZZ_CHECK(c >= 0x20 && c != 0x7f,
               fmt::format("control byte 0x{:02x} at {} in text output: {}", c, i, shown(text)));
    const Utf8Char decoded = decode_utf8(text, i);
    FUZZ_CHECK(decoded.length > 0,
               fmt::format("invalid UTF-8 at {} in text output: {}", i, shown(text)));
    const std::uint32_t cp = decoded.code_point;
    FUZZ_CHECK(
        !(cp >= 0x80 && cp <= 0x9F) && !(cp >= 0x202A && cp <= 0x202E) &&
            !(cp >= 0x2066 && cp <= 0x2069),
        fmt::format("C1 or bidi control U+{:04X} at {} in text output: {}", cp, i, shown(text)));
    i += decoded.length;
  }
  FUZZ_CHECK(text.empty() || text.back() == '\n', shown(text));
  return lines;
}

// Text cut to a terminal width (--wide off): no line takes more than `width` columns, counting
// one per character and none for pkgly-trail's own colour codes.
inline void check_width(std::string_view text, std::size_t width) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      columns = 0;
      continue;
    }
    if (c == 0x1b) {
      while (i < text.size() && text[i] != 'm') ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++columns;
    FUZZ_CHECK(columns <= width,
               fmt::format("a line wider than {} columns: {}", width, shown(text)));
  }
}

// ---- CSV / TSV -----------------------------------------------------------------------------

// A cell a spreadsheet would run as a formula (OWASP CSV injection). '-' is left out: numbers
// such as -5 are written as they are.
inline bool starts_like_formula(std::string_view cell) {
  return !cell.empty() && std::string_view("=+@\t\r").find(cell[0]) != std::string_view::npos;
}

// RFC 4180 rows ending with '\n'; every row has `columns` cells. Returns the number of rows.
// With `guarded`, no cell of a row from `first_data_row` on may start like a formula.
inline std::size_t check_csv(std::string_view text, std::size_t columns, bool guarded = false,
                             std::size_t first_data_row = 0) {
  std::size_t rows = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t cells = 0;
    for (;;) {
      ++cells;
      const bool check_formula = guarded && rows >= first_data_row;
      if (check_formula && pos < text.size()) {
        const std::size_t first = text[pos] == '"' ? pos + 1 : pos;
        FUZZ_CHECK(first >= text.size() || !starts_like_formula(text.substr(first, 1)),
                   fmt::format("CSV cell at {} starts like a formula: {}", pos, shown(text)));
      }
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        for (;;) {
          FUZZ_CHECK(pos < text.size(), fmt::format("unterminated quoted cell: {}", shown(text)));
          if (text[pos] == '"') {
            if (pos + 1 < text.size() && text[pos + 1] == '"') {
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          ++pos;
        }
      } else {
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n') {
          FUZZ_CHECK(text[pos] != '"' && text[pos] != '\r',
                     fmt::format("unquoted cell holds '\"' or CR at {}: {}", pos, shown(text)));
          ++pos;
        }
      }
      FUZZ_CHECK(pos < text.size(), fmt::format("row without '\\n': {}", shown(text)));
      if (text[pos] == '\n') break;
      FUZZ_CHECK(text[pos] == ',',
                 fmt::format("junk after a quoted cell at {}: {}", pos, shown(text)));
      ++pos;
    }
    ++pos;
    FUZZ_CHECK(cells == columns, fmt::format("row {} has {} cells, expected {}: {}", rows, cells,
                                             columns, shown(text)));
    ++rows;
  }
  return rows;
}

// TSV: no CR, every line has columns - 1 tabs, every backslash starts \t \n \r or \\.
// With `guarded`, no cell of a data row starts like a formula (nor with an escaped tab or CR).
inline std::size_t check_tsv(std::string_view text, std::size_t columns, bool guarded = false,
                             std::size_t first_data_row = 0) {
  std::size_t rows = 0;
  std::size_t tabs = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool cell_start = i == 0 || text[i - 1] == '\t' || text[i - 1] == '\n';
    if (guarded && rows >= first_data_row && cell_start) {
      // A raw tab here is the separator after an empty cell; a tab or CR inside a cell is
      // written as an escape.
      FUZZ_CHECK(std::string_view("=+@").find(c) == std::string_view::npos &&
                     text.compare(i, 2, "\\t") != 0 && text.compare(i, 2, "\\r") != 0,
                 fmt::format("TSV cell at {} starts like a formula: {}", i, shown(text)));
    }
    FUZZ_CHECK(c != '\r', fmt::format("CR in TSV: {}", shown(text)));
    if (c == '\\') {
      FUZZ_CHECK(i + 1 < text.size() &&
                     std::string_view("tnr\\").find(text[i + 1]) != std::string_view::npos,
                 fmt::format("lone backslash at {} in TSV: {}", i, shown(text)));
      ++i;
    } else if (c == '\t') {
      ++tabs;
    } else if (c == '\n') {
      FUZZ_CHECK(tabs + 1 == columns, fmt::format("TSV row {} has {} tabs for {} columns: {}", rows,
                                                  tabs, columns, shown(text)));
      tabs = 0;
      ++rows;
    }
  }
  FUZZ_CHECK(text.empty() || text.back() == '\n', shown(text));
  return rows;
}

// ---- parsers -------------------------------------------------------------------------------

// Runs `parse(text, record)` (any of the format parsers) and checks what a parsed record must
// satisfy: every view readable, NDJSON per contract, the same result in a record reused after
// clear() (as the assembler reuses one), and a clone() that owns all of its text.
template <typename Parse>
void check_parser(Parse&& parse, std::string_view input, std::string_view warmup) {
  std::string result;
  Record copy;
  {
    const std::string text(input);  // freed below: the clone must not point into it
    Record fresh;
    if (!parse(std::string_view(text), fresh)) return;
    check_record(fresh);
    result = record_json(fresh);
    check_json_line(result, false);
    // Views may point into the parser's buffers until the next parse: clone before that.
    copy = fresh.clone();

    Record reused;
    parse(warmup, reused);
    reused.clear();
    FUZZ_CHECK(parse(std::string_view(text), reused), shown(input));
    FUZZ_CHECK(record_json(reused) == result,
               "reused record differs:\n" + shown(record_json(reused)) + "\n" + shown(result));
  }
  check_record(copy);
  FUZZ_CHECK(record_json(copy) == result, "clone differs: " + shown(record_json(copy)));
}

}  // namespace pkgly_trail::fuzz
