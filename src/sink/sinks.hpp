#pragma once
// The concrete sinks behind make_record_sink; private to the sink stage.
#include <functional>
#include <memory>
#include <optional>

#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

std::unique_ptr<RecordSink> make_json_sink(OutputStream& out);
// -o ecs: each record as an ECS document with no access record (`audit`).
std::unique_ptr<RecordSink> make_ecs_sink(OutputStream& out);
// CSV (RFC 4180 quoting) or TSV (backslash escapes), one header row then one row per record.
std::unique_ptr<RecordSink> make_delimited_sink(OutputStream& out, std::vector<std::string> columns,
                                                bool tsv, bool raw);
// One cell of a CSV row (RFC 4180 quoting) or a TSV row (backslash escapes).
void append_csv_cell(fmt::memory_buffer& out, std::string_view text);
void append_tsv_cell(fmt::memory_buffer& out, std::string_view text);

// Rows of named columns, shared by the record and join sinks: a header row once, then one row
// per call, each cell looked up by column name.
class DelimitedWriter {
 public:
  DelimitedWriter(OutputStream& out, std::vector<std::string> columns, bool tsv, bool raw);
  void row(const std::function<std::optional<Value>(std::string_view)>& lookup);
  void finish();

 private:
  void header_once();
  void text_cell(std::string_view text);

  OutputStream& out_;
  std::vector<std::string> columns_;
  bool tsv_;
  bool raw_;  // --raw-csv: no formula guard
  bool header_written_ = false;
};

std::unique_ptr<RecordSink> make_text_sink(OutputStream& out, const SinkOptions& options);

}  // namespace pkgly_trail
