#pragma once
// JSON output: a small typed writer (keys, values, nesting; the commas are placed for you) and
// the NDJSON record contract built on it, shared by `records`, `audit`, `join`, `trace` and
// `join --sqlite` (docs/output-contracts.md is the contract, with its version).
#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// The version of the JSON record contract (docs/output-contracts.md), the first member of
// every NDJSON line. A new member does not change it; a member renamed, removed or retyped
// does.
inline constexpr int kJsonContractVersion = 1;

// A JSON string literal with quotes. Control characters become \u00XX (\n, \t, \r, \", \\ as
// short escapes); invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
void append_json_string(fmt::memory_buffer& out, std::string_view text);
// RFC 8259's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text) noexcept;
// A typed value: numbers and booleans as logged when they are valid JSON, strings escaped.
void append_json_value(fmt::memory_buffer& out, const Value& value);

// Writes one JSON text into a buffer, compact (no whitespace). Every value goes either at the
// top, into an array, or after key(); the writer puts the commas between members and items.
// Nesting is at most kMaxDepth deep. It allocates nothing.
class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(fmt::memory_buffer& out) noexcept : out_(out) {}

  JsonWriter& begin_object() {
    open('{');
    return *this;
  }
  JsonWriter& end_object() {
    close('}');
    return *this;
  }
  JsonWriter& begin_array() {
    open('[');
    return *this;
  }
  JsonWriter& end_array() {
    close(']');
    return *this;
  }
  // The name of the next member of the open object (escaped like any string).
  JsonWriter& key(std::string_view name) {
    separate();
    append_json_string(out_, name);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view text) {
    start_value();
    append_json_string(out_, text);
    return *this;
  }
  // null for an empty text.
  JsonWriter& string_or_null(std::string_view text) { return text.empty() ? null() : string(text); }
  JsonWriter& value(const Value& value) {
    start_value();
    append_json_value(out_, value);
    return *this;
  }
  JsonWriter& number(std::uint64_t n) {
    start_value();
    fmt::format_to(std::back_inserter(out_), "{}", n);
    return *this;
  }
  JsonWriter& null() {
    start_value();
    out_.append(std::string_view("null"));
    return *this;
  }

 private:
  void open(char bracket) {
    start_value();
    out_.push_back(bracket);
    ++depth_;
    items_ &= ~level_bit();
  }
  void close(char bracket) {
    --depth_;
    out_.push_back(bracket);
  }
  void start_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    separate();
  }
  // A comma before every member or item but the first of its object or array.
  void separate() {
    if (items_ & level_bit()) out_.push_back(',');
    items_ |= level_bit();
  }
  std::uint64_t level_bit() const noexcept {
    return std::uint64_t{1} << (depth_ < 63 ? depth_ : 63);
  }

  fmt::memory_buffer& out_;
  int depth_ = 0;
  std::uint64_t items_ = 0;  // bit d: the open object or array at depth d has an item
  bool after_key_ = false;
};

// The record contract's members (timestamp ... source), into the object open in `json`: a
// `join` event adds its own members after them.
void append_record_members(JsonWriter& json, const Record& record);
// The record as one object, no newline: nested in a `join` event, or a database column.
void append_record_json(fmt::memory_buffer& out, const Record& record);
// A line of NDJSON output starts its object with the contract's version:
// `{"contract":1,...` (docs/output-contracts.md).
void begin_contract_line(JsonWriter& json);
// The record as one line of the NDJSON record contract (`records -o json`), no newline.
void append_record_line(fmt::memory_buffer& out, const Record& record);

}  // namespace pkgly_trail
