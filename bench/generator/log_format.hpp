// How tracing-subscriber writes one record, in the two formats the benchmarks use: `full` with
// ANSI colours behind a docker compose prefix, and `json`. The byte layout is copied from
// /work/shared/samples (full-ansi-compose.log, json-plain-zero.log), which the real library wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loggen {

enum class Format { kFullAnsiCompose, kJson };
enum class Level : std::uint8_t { kDebug, kInfo, kWarn, kError };

// How a value was recorded: `%value` (Display, or Debug of a non-string type) is written bare in
// the text formats; a `&str` with Debug is quoted and escaped; numbers and booleans are bare in
// every format. json writes Display and Str as JSON strings.
enum class Kind : std::uint8_t { kDisplay, kStr, kInt, kBool, kNumber };

struct Field {
  std::string_view key;  // always a string literal
  std::string_view text;
  std::int64_t n = 0;
  Kind kind = Kind::kDisplay;
};

inline Field disp(std::string_view k, std::string_view v) {
  return {k, v, 0, Kind::kDisplay};
}
inline Field str(std::string_view k, std::string_view v) {
  return {k, v, 0, Kind::kStr};
}
inline Field integer(std::string_view k, std::int64_t n) {
  return {k, {}, n, Kind::kInt};
}
inline Field boolean(std::string_view k, bool b) {
  return {k, {}, b ? 1 : 0, Kind::kBool};
}
inline Field number(std::string_view k, std::string_view text) {
  return {k, text, 0, Kind::kNumber};
}

// A span with its fields in the order they were recorded. Rendered once per change, since every
// record inside it repeats it.
class Span {
 public:
  Span() = default;
  explicit Span(std::string_view name) : name_(name) {}
  void reset(std::string_view name);
  Span& add(const Field& f);
  void render();
  const std::string& text() const { return text_; }
  const std::string& json() const { return json_; }

 private:
  struct Owned {
    std::string_view key;
    std::string text;
    std::int64_t n;
    Kind kind;
  };
  std::string_view name_;
  std::vector<Owned> fields_;
  std::string text_;  // full format with ANSI: `\e[1mNAME\e[0m\e[1m{\e[0m...\e[1m}\e[0m`
  std::string json_;  // {"field":...,"name":"NAME"}, fields sorted by name, later duplicate wins
};

constexpr std::string_view kTimestampPlaceholder = "0000-00-00T00:00:00.000000Z";

class RecordWriter {
 public:
  explicit RecordWriter(Format format) : format_(format) {}
  // Appends one record and its newline; the timestamp is a placeholder of the same width at
  // timestamp_offset() from the start of the record, patched when the record is emitted.
  void write(std::string& out, Level level, const Span* const* spans, std::size_t span_count,
             std::string_view target, std::string_view message, const Field* fields,
             std::size_t field_count) const;
  std::size_t timestamp_offset() const;

 private:
  Format format_;
};

void append_debug_escaped(std::string& out, std::string_view s);
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace loggen
