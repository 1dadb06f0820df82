#pragma once
// tracing-subscriber's `pretty` format: a record spread over several lines (header, fields,
// `at <file>:<line>`, one `in <span>` line per span).
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// Does this physical line start a pretty record?
bool starts_pretty_record(std::string_view body) noexcept;
// Parses one logical record (its lines joined with '\n'). Returns false when the text is not a
// pretty record; `out` must be clear()ed by the caller.
// `why` (optional) says why it failed, in words (a static text).
bool parse_pretty_record(std::string_view text, Record& out, std::string_view* why = nullptr);

}  // namespace pkgly_trail
