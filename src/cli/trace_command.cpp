// `trace ID`: every record of one request, as a timeline (text) or records (json, csv, tsv).
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/request_trace.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::cli {

namespace {

// Text timeline: each line starts with the time since the request's first record.
class TimelineSink final : public RecordSink {
 public:
  TimelineSink(OutputStream& out, std::unique_ptr<RecordSink> lines)
      : RecordSink(out), lines_(std::move(lines)) {}
  void write(const Record& record) override {
    std::optional<std::int64_t> at = parse_log_time(record.timestamp);
    if (at && !start_) start_ = at;
    if (at) {
      fmt::format_to(std::back_inserter(out_.buffer()), "+{:>10.3f} ms  ",
                     static_cast<double>(*at - *start_) / 1000.0);
    } else {
      out_.buffer().append(std::string_view("             ?  "));
    }
    lines_->write(record);
  }
  void write_end() override { lines_->write_end(); }

 private:
  std::unique_ptr<RecordSink> lines_;
  std::optional<std::int64_t> start_;
};

}  // namespace

int run_trace(const Options& options) {
  RequestTrace trace(options.trace_id, options.join.window);
  static constexpr std::uint64_t kNothingPrintedWhileReading = 0;
  TerminalObserver observer(options, kNothingPrintedWhileReading);
  const ReadSummary read =
      read_records(read_plan(options, AssemblerOptions{options.service, {}}), trace, observer);
  if (trace.matched_ids().size() > 1) {
    report_error(fmt::format("'{}' is ambiguous; it starts {} ids:", options.trace_id,
                             trace.matched_ids().size()));
    for (const std::string& id : trace.matched_ids()) fmt::print(stderr, "  {}\n", id);
    return 2;
  }
  std::vector<Record> records = trace.take_records();
  OutputStream out(STDOUT_FILENO);
  std::unique_ptr<RecordSink> printer = make_record_sink(out, sink_options(options));
  if (options.output == OutputFormat::Text && options.fields.empty())
    printer = std::make_unique<TimelineSink>(out, std::move(printer));
  for (Record& record : records)
    if (!printer->on_record(record)) break;
  printer->finish();
  if (options.stats) print_stats(read, records.size());
  return finish_run(options, out, read, records.size());
}

}  // namespace pkgly_trail::cli
