#pragma once
// parse stage entry point: takes physical lines (envelope removed), groups the lines of one
// record (continuations, pretty records, 16 KiB docker splits) per source and service, detects
// each record's format and hands typed Records on.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pkgly_trail/record/record.hpp"
#include "pkgly_trail/record/stage.hpp"

namespace pkgly_trail {

struct Schema;  // src/parse/schema.hpp

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
  std::uint64_t records_skipped = 0;                 // not parsed: could not match (required_text)
  std::string first_unparsed;                        // "file:line" of the first unparsed line
  std::string_view first_unparsed_why;  // why it could not be parsed, in words (static text)

  // Where the log can be read two ways (docs/security.md). Sub-counts of the lines above.
  // Lines that look like the start of a record but were kept inside the record before them
  // (a value holding a newline): continuation lines.
  std::uint64_t folded_record_lines = 0;
  std::string first_folded;  // "file:line"
  // Lines that carry the audit marker (`pkgly::audit` ... `Audit event`) but did not come out
  // as the first line of an audit event: a value imitating one, or an event lost.
  std::uint64_t audit_marker_lines_not_events = 0;
  std::string first_audit_marker_not_event;  // "file:line"
  // Lines inside a record that end the way an audit record ends after a free-text value:
  // the genuine end of an earlier record whose value held newlines and imitated records.
  std::uint64_t orphan_tail_lines = 0;
  // Records within the lines a percent-encoded line break (%0A, %0D) in a URL can reach: the
  // value decoded from that URL may carry them (docs/security.md). Marked suspect.
  std::uint64_t url_break_records = 0;
  std::string first_url_break;        // "file:line" of the first one
  std::string first_orphan_tail;      // "file:line"
  std::uint64_t suspect_records = 0;  // records handed on with Record::suspect set
  // Parses of held records to see whether a new line finished them (bounded per record).
  std::uint64_t held_parses = 0;
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
  // A record waits until this many bytes of its service's log have followed it (or the input
  // goes quiet or ends) before it is handed on: where a later line shows that a value before
  // it imitated records, it can still be marked suspect (docs/security.md).
  static constexpr std::uint64_t kDoubtWindowBytes = 512 * 1024;

  // Hands each record to `next`.
  RecordAssembler(RecordStage& next, AssemblerOptions options = {});
  ~RecordAssembler();

  // Starts a new input; the name appears in each record's source.
  void begin_input(std::string_view name);
  // One physical line as read (the envelope is removed here). `cut`: the line was longer
  // than --max-line-bytes and is cut, so the record it belongs to ends with it.
  void on_line(std::string_view raw_line, std::uint64_t number, bool cut = false);
  // The input went quiet: hands on every record that no line still to come can belong to
  // for certain, so a live stream is not held back. A record whose genuine end is still to
  // come (an audit event cut inside a value by a newline) waits for it. Then tells the next
  // stage.
  void on_idle();
  // The current input ended: completes every record of it (the next input starts clean).
  void end_input();
  // The last input ended: end_input(), then the next stage's finish().
  void finish();
  // The next stage answered false (its output is gone): reading on would be wasted work.
  bool stopped() const noexcept { return stopped_; }
  const ParseStats& stats() const noexcept { return stats_; }
  // Compose services with a slot (bounded, whatever the input names).
  std::size_t service_slots() const noexcept { return pending_.size(); }

  // How a record waiting for its next line treats it (the continuation rule,
  // docs/security.md).
  enum class Continuation : std::uint8_t {
    Loose,      // no known schema: a line that does not look like a record continues it
    Tentative,  // fits its schema: a record-looking line starts the next record
    Held,       // unfinished (its schema, or a span list cut short): every line continues it
  };

 private:
  struct Pending;
  // A record not handed on yet: it waits until kDoubtWindowBytes of log have followed it, in
  // one queue for all services so records come out in the order they were completed.
  struct Waiting {
    Record record;
    std::uint64_t release_at = 0;
    std::uint64_t service_line = 0;  // its first line, counted in its service's lines
  };
  Pending& pending_for(std::string_view service);
  void start(Pending& pending, std::string_view body, std::uint64_t number, Format format);
  void complete(Pending& pending);
  void append(Pending& pending, std::string_view body, std::uint64_t number, bool record_like);
  bool extend_reopened(Pending& pending, std::string_view body, std::uint64_t number, bool marker);
  void revert_reopened(Pending& pending);
  void keep_behind(Pending& pending);
  void place_line(Pending& pending, std::string_view body, std::uint64_t number, bool cut);
  bool orphan_tail(std::string_view body) const noexcept;
  void raise_doubt(Pending& pending, std::uint64_t number);
  void release(bool all);
  void reach_of_url_breaks(Pending& pending);
  void check_url_reach(Pending& pending, Record& record);
  bool in_url(const Pending& slot, const Record& record) const noexcept;
  void mark_url_break(std::string_view& suspect, std::uint64_t line);
  bool joins_behind(Pending& pending);
  void judge_behind(Pending& pending);
  void end_pretty(Pending& pending, std::string_view body, std::uint64_t number);
  void abandon_hold(Pending& pending);
  void evaluate(Pending& pending);
  bool parse(Pending& pending);
  SchemaFit fit_of(Pending& pending);
  void count_unparsed(std::uint64_t number, std::uint64_t lines);
  void count_marker_lines(const Pending& pending, bool audit_event);
  void note(std::string& first, std::uint64_t number);
  // Can the record be one the command shows (AssemblerOptions::required_text)?
  bool may_match(Pending& pending) const noexcept;
  static std::size_t audit_target_at(Pending& pending) noexcept;

  RecordStage& next_;
  bool stopped_ = false;
  AssemblerOptions options_;
  std::string input_;
  // Whether this input's lines carry a docker compose / kubectl prefix, decided by its
  // first line: in an input without one, a prefix inside a value is content.
  enum class Wrapper : std::uint8_t { Unknown, Prefixed, Bare } wrapper_ = Wrapper::Unknown;
  bool stamped_ = false;  // its lines carry docker's `--timestamps` receive times
  // This input's pretty records carry their `at <file>:<line>` line (Pkgly's do): until it
  // comes, a pretty record is not finished.
  bool pretty_has_location_ = false;
  std::unordered_map<std::string, std::unique_ptr<Pending>> pending_;
  Record record_;
  std::deque<Waiting> waiting_;  // records not handed on yet (kDoubtWindowBytes)
  std::uint64_t bytes_seen_ = 0;
  std::vector<Record> spare_;  // records handed on, kept for their capacity
  const Schema* audit_schema_;
  const Pending* parsed_for_ = nullptr;  // record_ holds the parse of this pending text
  bool line_marker_ = false;             // the line being read carries the audit marker
  std::size_t line_audit_at_ = 0;        // where it names pkgly::audit first (npos: nowhere)
  bool requires_audit_target_ = false;   // required_text is pkgly::audit alone
  std::string_view unparsed_why_;        // why the last parse failed
  struct Parsers;                        // the json parser and the span cache, private to src/parse
  std::unique_ptr<Parsers> parsers_;
  ParseStats stats_;
};

}  // namespace pkgly_trail
