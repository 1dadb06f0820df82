// The whole pipeline on fuzzed bytes: lines -> RecordAssembler -> every record sink, and ->
// Correlators (default, tight and --access-only limits) -> every joined sink. Each sink writes
// into an OutputStream on /dev/null; what a write put into the buffer is checked before it is
// flushed:
//   json  one line per record/event, parsed back with simdjson, keys and types per contract;
//   ecs   one JSON object per line (the ECS record sink may skip records that are not audit
//         events), unique keys at every depth;
//   csv   RFC 4180 rows with as many cells as columns; tsv: as many tabs, escapes only; no
//         cell from the log starts like a formula unless raw_csv;
//   text  valid UTF-8, no control but '\n', no ESC except the sink's own colours (none with
//         colour off), one line per record (an event: 2 + related lines).
// Also: ParseStats adds up, and every audit event is printed exactly once by each Correlator.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"
#include "pkgly_trail/sink/joined_sink.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace {

using namespace pkgly_trail;

constexpr std::size_t kNeverFlush = std::numeric_limits<std::size_t>::max();

int dev_null() {
  static const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return fd;
}

std::string_view buffered(OutputStream& out) {
  return {out.buffer().data(), out.buffer().size()};
}

// Rows a csv/tsv write produced: the header comes with the first one. Unless --raw-csv, no
// cell from the log may start like a spreadsheet formula.
void check_rows(std::string_view text, const SinkOptions& options, std::size_t columns,
                bool& header) {
  const bool guarded = !options.raw_csv;
  const std::size_t first_data_row = header ? 0 : 1;
  const std::size_t rows = options.format == OutputFormat::Csv
                               ? fuzz::check_csv(text, columns, guarded, first_data_row)
                               : fuzz::check_tsv(text, columns, guarded, first_data_row);
  FUZZ_CHECK(rows == (header ? 1u : 2u), fmt::format("{} rows: {}", rows, fuzz::shown(text)));
  header = true;
}

std::string_view without_newline(std::string_view text) {
  FUZZ_CHECK(!text.empty() && text.back() == '\n', fuzz::shown(text));
  text.remove_suffix(1);
  FUZZ_CHECK(text.find('\n') == std::string_view::npos,
             "more than one JSON line: " + fuzz::shown(text));
  return text;
}

class CheckedRecordSink {
 public:
  explicit CheckedRecordSink(SinkOptions options)
      : options_(std::move(options)), out_(dev_null(), kNeverFlush) {
    sink_ = make_record_sink(out_, options_);
    columns_ = !options_.fields.empty() ? options_.fields.size()
               : options_.audit         ? default_audit_columns().size()
                                        : default_record_columns().size();
  }

  void write(const Record& record) {
    sink_->write(record);
    const std::string_view text = buffered(out_);
    switch (options_.format) {
      case OutputFormat::Json:
        fuzz::check_json_line(without_newline(text), false);
        break;
      case OutputFormat::Ecs:
        if (!text.empty()) fuzz::check_json_document(without_newline(text));
        break;
      case OutputFormat::Csv:
      case OutputFormat::Tsv:
        check_rows(text, options_, columns_, header_);
        break;
      case OutputFormat::Text:
        FUZZ_CHECK(fuzz::check_terminal_text(text, options_.color) == 1,
                   "one record, one line: " + fuzz::shown(text));
        if (options_.width > 0) fuzz::check_width(text, options_.width);
        break;
    }
    out_.flush();
  }
  void finish() { sink_->finish(); }

 private:
  SinkOptions options_;
  OutputStream out_;
  std::unique_ptr<RecordSink> sink_;
  std::size_t columns_ = 0;
  bool header_ = false;
};

class CheckedJoinedSink final : public JoinedEventSink {
 public:
  explicit CheckedJoinedSink(SinkOptions options)
      : options_(std::move(options)), out_(dev_null(), kNeverFlush) {
    sink_ = make_joined_sink(out_, options_);
    columns_ = options_.fields.empty() ? default_join_columns().size() : options_.fields.size();
  }

  bool on_event(const JoinedEvent& event) override {
    sink_->on_event(event);
    const std::string_view text = buffered(out_);
    switch (options_.format) {
      case OutputFormat::Json: {
        const long related = fuzz::check_json_line(without_newline(text), true);
        FUZZ_CHECK(related < 0 || static_cast<std::size_t>(related) == event.related.size(),
                   fuzz::shown(text));
        break;
      }
      case OutputFormat::Ecs:
        fuzz::check_json_document(without_newline(text));
        break;
      case OutputFormat::Csv:
      case OutputFormat::Tsv:
        check_rows(text, options_, columns_, header_);
        break;
      case OutputFormat::Text: {
        const std::size_t lines = options_.fields.empty() ? 2 + event.related.size() : 1;
        FUZZ_CHECK(fuzz::check_terminal_text(text, options_.color) == lines,
                   fmt::format("expected {} lines: {}", lines, fuzz::shown(text)));
        if (options_.width > 0) fuzz::check_width(text, options_.width);
        break;
      }
    }
    out_.flush();
    return true;
  }
  void finish() override { sink_->finish(); }

 private:
  SinkOptions options_;
  OutputStream out_;
  std::unique_ptr<JoinedEventSink> sink_;
  std::size_t columns_ = 0;
  bool header_ = false;
};

// What a Correlator prints, checked, then handed to every joined sink.
class JoinedFanOut final : public JoinedEventSink {
 public:
  JoinedFanOut(const JoinLimits& limits, std::vector<SinkOptions> sinks) : limits_(limits) {
    for (SinkOptions& options : sinks)
      sinks_.push_back(std::make_unique<CheckedJoinedSink>(std::move(options)));
  }
  bool on_event(const JoinedEvent& event) override {
    ++events_;
    FUZZ_CHECK(event.audit.is_audit(), "");
    fuzz::check_record(event.audit);
    if (event.access) {
      FUZZ_CHECK(event.access->is_access(), "");
      fuzz::check_record(*event.access);
    } else if (event.related.empty()) {
      FUZZ_CHECK(event.joined_by == JoinKey::None, "joined_by without anything joined");
    }
    FUZZ_CHECK(event.related.size() <= limits_.max_related, "");
    FUZZ_CHECK(!limits_.access_only || event.related.empty(), "related kept with access_only");
    for (const Record& related : event.related) {
      fuzz::check_record(related);
      FUZZ_CHECK(!related.is_audit() && !related.is_access(), "");
    }
    for (auto& sink : sinks_) sink->on_event(event);
    return true;
  }
  void finish() override {
    for (auto& sink : sinks_) sink->finish();
  }
  std::uint64_t events() const { return events_; }

 private:
  JoinLimits limits_;
  std::vector<std::unique_ptr<CheckedJoinedSink>> sinks_;
  std::uint64_t events_ = 0;
};

// Text as a terminal 40 columns wide shows it, times converted (--utc, --local).
SinkOptions narrow_text(TimeDisplay time, bool color) {
  SinkOptions options;
  options.color = color;
  options.width = 40;
  options.time = time;
  return options;
}

SinkOptions sink(OutputFormat format, bool color = false, std::vector<std::string> fields = {},
                 bool audit = false, bool raw_csv = false) {
  SinkOptions options;
  options.format = format;
  options.color = color;
  options.fields = std::move(fields);
  options.audit = audit;
  options.raw_csv = raw_csv;
  return options;
}

const Filter& join_filter() {
  static const Filter filter = [] {
    FilterOptions options;
    options.where = {"client.address=203.0.113.9", "access.user=alice"};
    options.match = {"user_agent.original~curl|wget"};
    options.actions = {"package.*"};
    options.since = "2025-01-01";
    return Filter::compile(options, 1763633730369463);
  }();
  return filter;
}

struct JoinUnderTest {
  JoinUnderTest(const JoinLimits& limits, std::vector<SinkOptions> sinks)
      : fan_out(limits, std::move(sinks)),
        correlator(
            limits,
            [](const Record& audit, const Record* access) {
              join_filter().matches(audit, access);  // exercised, but everything is printed
              return true;
            },
            fan_out) {}
  JoinedFanOut fan_out;
  Correlator correlator;
  std::uint64_t audits_in = 0;
};

class Pipeline final : public RecordStage {
 public:
  Pipeline() {
    const std::vector<std::string> odd_columns = {"timestamp", "message",     "client.address",
                                                  "query",     "access.user", "no.such.key"};
    for (SinkOptions& options : std::vector<SinkOptions>{
             sink(OutputFormat::Json),
             sink(OutputFormat::Ecs),
             sink(OutputFormat::Csv),
             sink(OutputFormat::Csv, false, {}, true),
             sink(OutputFormat::Csv, false, odd_columns, false, true),
             sink(OutputFormat::Tsv, false, odd_columns),
             sink(OutputFormat::Text),
             sink(OutputFormat::Text, true),
             sink(OutputFormat::Text, true, {}, true),
             sink(OutputFormat::Text, false, {"message", "query", "user_agent.original"}),
             narrow_text(TimeDisplay::Utc, true),
             narrow_text(TimeDisplay::Local, false),
         })
      record_sinks_.push_back(std::make_unique<CheckedRecordSink>(std::move(options)));

    JoinLimits tight;
    tight.window = JoinWindow{16, 2.0};
    tight.max_related = 4;
    tight.max_memory = 64 * 1024;
    JoinLimits access_only;
    access_only.access_only = true;
    joins_.push_back(std::make_unique<JoinUnderTest>(
        JoinLimits{},
        std::vector<SinkOptions>{
            sink(OutputFormat::Json),
            sink(OutputFormat::Ecs),
            sink(OutputFormat::Csv),
            sink(OutputFormat::Tsv, false,
                 {"access.user_agent.original", "related", "warnings", "errors", "joined_by"}),
            sink(OutputFormat::Tsv, false, {}, false, true),
            sink(OutputFormat::Text),
            sink(OutputFormat::Text, true),
            sink(OutputFormat::Text, true, {"query", "client.address"}),
            narrow_text(TimeDisplay::Utc, true),
        }));
    joins_.push_back(std::make_unique<JoinUnderTest>(
        tight, std::vector<SinkOptions>{sink(OutputFormat::Json), sink(OutputFormat::Csv),
                                        sink(OutputFormat::Text, true)}));
    joins_.push_back(std::make_unique<JoinUnderTest>(
        access_only, std::vector<SinkOptions>{sink(OutputFormat::Json), sink(OutputFormat::Text)}));
  }

  bool on_record(Record& record) override {
    ++records_;
    fuzz::check_record(record);
    join_filter().matches(record);
    for (auto& sink : record_sinks_) sink->write(record);
    for (auto& join : joins_) {
      if (record.is_audit()) ++join->audits_in;
      // A correlator may move from the record it keeps: each gets its own copy.
      Record copy = record.clone();
      join->correlator.on_record(copy);
    }
    return true;
  }

  void idle() {
    for (auto& join : joins_) join->correlator.settle_waiting(std::chrono::milliseconds(0));
  }

  void finish() override {
    for (auto& sink : record_sinks_) sink->finish();
    for (auto& join : joins_) {
      join->correlator.finish();
      // Nothing is lost, nothing printed twice.
      const JoinStats& stats = join->correlator.stats();
      FUZZ_CHECK(stats.audit_events == join->audits_in, "");
      FUZZ_CHECK(stats.printed == join->audits_in,
                 fmt::format("{} audit events, {} printed", join->audits_in, stats.printed));
      FUZZ_CHECK(
          join->fan_out.events() == join->audits_in,
          fmt::format("{} audit events, {} written", join->audits_in, join->fan_out.events()));
    }
  }
  std::uint64_t records() const { return records_; }

 private:
  std::vector<std::unique_ptr<CheckedRecordSink>> record_sinks_;
  std::vector<std::unique_ptr<JoinUnderTest>> joins_;
  std::uint64_t records_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Pipeline pipeline;
  RecordAssembler assembler(pipeline);
  assembler.begin_input("fuzz.log");
  std::uint64_t number = 0;
  bool previous_empty = false;
  for (std::size_t start = 0; start < input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    assembler.on_line(line, ++number);
    // Two blank lines in a row stand for a live input going idle.
    if (line.empty() && previous_empty) {
      assembler.end_input();
      pipeline.idle();
    }
    previous_empty = line.empty();
  }
  assembler.finish();

  const ParseStats& stats = assembler.stats();
  FUZZ_CHECK(stats.lines == number, fmt::format("{} lines read, {} counted", number, stats.lines));
  FUZZ_CHECK(stats.lines == stats.record_lines + stats.continuation_lines +
                                stats.non_tracing_lines + stats.unparsed_lines +
                                stats.other_service_lines,
             fmt::format("lines {} != {} + {} + {} + {} + {}", stats.lines, stats.record_lines,
                         stats.continuation_lines, stats.non_tracing_lines, stats.unparsed_lines,
                         stats.other_service_lines));
  FUZZ_CHECK(stats.records == stats.record_lines && stats.records == pipeline.records(), "");
  std::uint64_t by_format = 0;
  for (const std::uint64_t n : stats.records_by_format) by_format += n;
  FUZZ_CHECK(by_format == stats.records, "");
  return 0;
}
