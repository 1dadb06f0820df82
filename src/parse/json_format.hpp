#pragma once
// tracing-subscriber's `json` format, read with simdjson On-Demand: no document tree, strings
// are views into the parser's buffer (valid until the next record).
#include <memory>
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

bool starts_json_record(std::string_view body) noexcept;

class JsonRecordParser {
 public:
  JsonRecordParser();
  ~JsonRecordParser();
  JsonRecordParser(const JsonRecordParser&) = delete;
  JsonRecordParser& operator=(const JsonRecordParser&) = delete;

  // Parses one JSON object into `out` (clear()ed by the caller). False when the text is not
  // a tracing JSON record (not an object, malformed, no level/target).
  // Bytes that are not UTF-8 become U+FFFD (as every output writes them) and the record is
  // kept.
  bool parse(std::string_view text, Record& out);
  // Why the last parse() failed, in words (a static text).
  std::string_view why() const noexcept { return why_; }

 private:
  bool fail(std::string_view why) noexcept {
    why_ = why;
    return false;
  }
  bool parse_once(std::string_view text, Record& out);
  struct State;
  std::unique_ptr<State> state_;
  std::string_view why_;
};

}  // namespace pkgly_trail
