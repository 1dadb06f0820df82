#pragma once
// parse stage entry point: takes physical lines (envelope removed), groups the lines of one
// record (continuations, pretty records, 16 KiB docker splits) per source and service, detects
// each record's format and hands typed Records on.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/parse/json_format.hpp"
#include "pkgly_trail/parse/span_cache.hpp"
#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

// Every input line lands in exactly one of the line counters:
// lines == record_lines + continuation_lines + non_tracing_lines + unparsed_lines
//          + other_service_lines.
struct ParseStats {
  std::uint64_t lines = 0;
  std::uint64_t record_lines = 0;         // first line of a parsed record
  std::uint64_t continuation_lines = 0;   // further lines of a parsed record
  std::uint64_t non_tracing_lines = 0;    // not a tracing record (postgres, banners, blank)
  std::uint64_t unparsed_lines = 0;       // looked like a record but could not be parsed
  std::uint64_t other_service_lines = 0;  // dropped by --service
  std::uint64_t records = 0;
  std::array<std::uint64_t, 4> records_by_format{};  // indexed by Format
  std::uint64_t records_skipped = 0;  // not parsed: could not match (required_text)
  std::string first_unparsed;                        // "file:line" of the first unparsed line
};

class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  // The record (and every view in it) is valid only during the call.
  virtual void on_record(const Record& record) = 0;
  // The same, for a record its caller no longer needs (the merge stage's own copies): the
  // handler may move from it instead of copying what it keeps.
  virtual void take_record(Record& record) { on_record(record); }
};

struct AssemblerOptions {
  std::string service;  // --service: keep only this compose service (empty = all)
  // When not empty, only records whose text contains one of these strings are parsed; the
  // others are counted (as records of the format their first line shows) and skipped. The
  // filter supplies strings that every record it could accept must contain (its target), so
  // `audit` never spends time parsing the debug lines that make up most of a log.
  std::vector<std::string> required_text;
};

class RecordAssembler {
 public:
  RecordAssembler(RecordHandler& handler, AssemblerOptions options = {});
  ~RecordAssembler();

  // Starts a new input; the name appears in each record's source.
  void begin_input(std::string_view name);
  // One physical line as read (the envelope is removed here).
  void on_line(std::string_view raw_line, std::uint64_t number);
  // Completes every record still waiting for possible continuation lines: at the end of an
  // input, and when the input goes idle so a live stream is not held back.
  void flush();
  const ParseStats& stats() const noexcept { return stats_; }

 private:
  struct Pending;
  Pending& pending_for(std::string_view service);
  void start(Pending& pending, std::string_view body, std::uint64_t number, Format format);
  void complete(Pending& pending);
  void append(Pending& pending, std::string_view body);
  bool parse(Pending& pending);
  SchemaFit fit_of(Pending& pending);
  bool cut_short(const Pending& pending) const noexcept;
  void complete_if_whole(Pending& pending);
  void count_unparsed(std::uint64_t number, std::uint64_t lines);
  bool may_match(std::string_view text) const noexcept;

  RecordHandler& handler_;
  AssemblerOptions options_;
  std::string input_;
  std::vector<std::unique_ptr<Pending>> pending_;
  Record record_;
  const Pending* parsed_for_ = nullptr;  // record_ holds the parse of this pending text
  JsonRecordParser json_;
  SpanCache spans_;
  ParseStats stats_;
};

}  // namespace pkgly_trail
