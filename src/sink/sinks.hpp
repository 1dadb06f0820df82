#pragma once
// The concrete sinks behind make_record_sink; private to the sink stage.
#include <functional>
#include <memory>
#include <optional>

#include "pkgly_trail/sink/delimited_writer.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

std::unique_ptr<RecordSink> make_json_sink(OutputStream& out);
// -o ecs: each record as an ECS document with no access record (`audit`).
std::unique_ptr<RecordSink> make_ecs_sink(OutputStream& out);
// CSV (RFC 4180 quoting) or TSV (backslash escapes), one header row then one row per record.
std::unique_ptr<RecordSink> make_delimited_sink(OutputStream& out, std::vector<std::string> columns,
                                                bool tsv, bool raw, bool terminal);
std::unique_ptr<RecordSink> make_text_sink(OutputStream& out, const SinkOptions& options);

}  // namespace pkgly_trail
