#pragma once
// sink stage: turns records into bytes for people (text) or programs (NDJSON, CSV, TSV).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/record.hpp"
#include "pkgly_trail/record/stage.hpp"
#include "pkgly_trail/sink/output_stream.hpp"

namespace pkgly_trail {

// The last stage of `records` and `audit` (the stage contract, pkgly_trail/record/stage.hpp):
// formats each record onto an output stream, flushes it when the input is idle and at the end,
// and answers false once the reader of the stream has gone (`| head`, a pager quit).
class RecordSink : public RecordStage {
 public:
  explicit RecordSink(OutputStream& out) : out_(out) {}
  bool on_record(Record& record) final {
    write(record);
    out_.maybe_flush();
    return !out_.broken_pipe();
  }
  void on_idle() final { out_.flush(); }
  void finish() final {
    write_end();
    out_.flush();
  }
  // Formats one record into the stream's buffer (trace's timeline writes through this too).
  virtual void write(const Record& record) = 0;
  // After the last record: a CSV header when there was no row, so a consumer sees the columns.
  virtual void write_end() {}

 protected:
  OutputStream& out_;
};

// Ecs: Elastic Common Schema documents, one per line (audit events: `audit`, `join`).
enum class OutputFormat { Text, Json, Csv, Tsv, Ecs };

// How text output shows record times: as logged (default), converted to UTC (--utc), or to
// the local time zone with its offset (--local). Machine formats always keep the logged text.
enum class TimeDisplay { AsLogged, Utc, Local };

struct SinkOptions {
  OutputFormat format = OutputFormat::Text;
  std::vector<std::string> fields;  // columns for csv/tsv/text; empty = defaults
  bool audit = false;               // the records are audit events (changes the defaults)
  bool color = false;               // text: ANSI colours
  bool raw_csv = false;             // csv/tsv: no guard against spreadsheet formulas
  bool terminal = false;            // csv/tsv: stdout is a terminal or a pager: escape controls
  TimeDisplay time = TimeDisplay::AsLogged;  // text: --utc / --local
  std::size_t width = 0;  // text: cut lines to this many columns (0 = never; --wide)
};

std::unique_ptr<RecordSink> make_record_sink(OutputStream& out, const SinkOptions& options);

// Default csv/tsv columns.
const std::vector<std::string>& default_audit_columns();
const std::vector<std::string>& default_record_columns();

}  // namespace pkgly_trail
