#pragma once
// tracing-subscriber's `full` format (with or without ANSI) and Pkgly's `compact`: one line
// grammar, a record on one line unless a value holds a newline.
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

class SpanCache;

// Does this physical line start a full or compact record?
bool starts_line_record(std::string_view body) noexcept;
// A full record whose text ends inside the field list of one of its spans (a Debug value
// with a newline, such as a RepoRequestPath): its target and event are still to come.
bool line_record_cut_in_spans(std::string_view text) noexcept;
// Parses one logical record (continuation lines joined with '\n'). Returns false when the text
// is not a record of this grammar; `out` must be clear()ed by the caller. `cache` (optional)
// reuses the parsed fields of span texts seen in recent records.
// `why` (optional) says why it failed, in words (a static text).
bool parse_line_record(std::string_view text, Record& out, SpanCache* cache = nullptr,
                       std::string_view* why = nullptr);

}  // namespace pkgly_trail
