#pragma once
// The text formats of tracing-subscriber: `full` (with or without ANSI) and Pkgly's `compact`
// share one line grammar; `pretty` spreads a record over several lines.
#include <cstddef>
#include <string_view>

#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// Does this physical line start a record of that format?
bool starts_line_record(std::string_view body) noexcept;  // full or compact
bool starts_pretty_record(std::string_view body) noexcept;
// A full record whose text ends inside the field list of one of its spans (a Debug value
// with a newline, such as a RepoRequestPath): its target and event are still to come.
bool line_record_cut_in_spans(std::string_view text) noexcept;

// Parse one logical record (continuation lines joined with '\n'). Returns false when the
// text is not a record of that format; `out` must be clear()ed by the caller.
// `cache` (optional) reuses the parsed fields of span texts seen in recent records.
class SpanCache;
bool parse_line_record(std::string_view text, Record& out, SpanCache* cache = nullptr);
bool parse_pretty_record(std::string_view text, Record& out);

}  // namespace pkgly_trail
