#pragma once
// The NDJSON record contract (README "Output contracts"), shared by `records`, `audit`,
// `join` and `trace`.
#include <fmt/format.h>

#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// A JSON string literal with quotes. Control characters become \u00XX (\n, \t, \r, \", \\ as
// short escapes); invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
void append_json_string(fmt::memory_buffer& out, std::string_view text);
void append_json_value(fmt::memory_buffer& out, const Value& value);
// `{"timestamp":...,"source":{...}` WITHOUT the closing brace, so `join` can add its keys.
void append_record_json_open(fmt::memory_buffer& out, const Record& record);
// The complete object, no newline.
void append_record_json(fmt::memory_buffer& out, const Record& record);

}  // namespace pkgly_trail
