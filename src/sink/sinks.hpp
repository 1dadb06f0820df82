#pragma once
// The concrete sinks behind make_record_sink; private to the sink stage.
#include <memory>

#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

std::unique_ptr<RecordSink> make_json_sink(OutputStream& out);
// CSV (RFC 4180 quoting) or TSV (backslash escapes), one header row then one row per record.
std::unique_ptr<RecordSink> make_delimited_sink(OutputStream& out, std::vector<std::string> columns,
                                                bool tsv);
// One cell of a CSV row (RFC 4180 quoting) or a TSV row (backslash escapes).
void append_csv_cell(fmt::memory_buffer& out, std::string_view text);
void append_tsv_cell(fmt::memory_buffer& out, std::string_view text);

std::unique_ptr<RecordSink> make_text_sink(OutputStream& out, const SinkOptions& options);

}  // namespace pkgly_trail
