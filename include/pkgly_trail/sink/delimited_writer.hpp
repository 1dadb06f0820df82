#pragma once
// CSV and TSV rows: shared by the record and join sinks and by the report's tables. Cells that
// a spreadsheet would run as a formula are neutralised unless `raw` (--raw-csv).
#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/record.hpp"
#include "pkgly_trail/sink/output_stream.hpp"

namespace pkgly_trail {

// One cell of a CSV row (RFC 4180 quoting) or a TSV row (backslash escapes).
void append_csv_cell(fmt::memory_buffer& out, std::string_view text);
void append_tsv_cell(fmt::memory_buffer& out, std::string_view text);

// Rows of named columns: a header row once, then one row
// per call, each cell looked up by column name. With `terminal` (stdout is a terminal, or a
// pager on one) every control character of a cell is made visible first, as text output does,
// so a logged escape sequence cannot drive the screen; files and pipes get the exact bytes.
class DelimitedWriter {
 public:
  DelimitedWriter(OutputStream& out, std::vector<std::string> columns, bool tsv, bool raw,
                  bool terminal = false);
  void row(const std::function<std::optional<Value>(std::string_view)>& lookup);
  void finish();

 private:
  void header_once();
  void text_cell(std::string_view text);

  OutputStream& out_;
  std::vector<std::string> columns_;
  bool tsv_;
  bool raw_;  // --raw-csv: no formula guard
  bool terminal_;
  fmt::memory_buffer visible_;  // a cell with its controls escaped, reused
  bool header_written_ = false;
};

}  // namespace pkgly_trail
