// `trace ID`: every record of one request, as a timeline (text) or records (json, csv, tsv).
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/interrupt.hpp"
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

// Named regular files can be read again, streams (stdin, a FIFO, -f) cannot.
bool inputs_rereadable(const Options& options) {
  if (options.follow || !options.follow_dir.empty() || options.inputs.empty()) return false;
  for (const std::string& input : options.inputs) {
    struct stat info {};
    if (input == "-" || ::stat(input.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  }
  return true;
}

// Past this many passes (a chain of ids tying ever more requests), one pass parses everything.
constexpr int kMaxFilteredPasses = 4;

// Reads the inputs into `trace`. Every record of the answer carries one of the request's ids
// (its request_id, or its trace_id) as text. So files are read in passes that parse only the
// records containing the id asked or an id found so far (the access record ties a request id
// to a trace id, which compact records carry alone): a substring search skips the rest, as
// `audit` skips what its filter cannot accept. Once a pass finds no id it did not search for,
// it has parsed every record of the answer. A stream is read once, every record parsed.
ReadSummary read_request(const Options& options, std::unique_ptr<RequestTrace>& trace,
                         ReadObserver& observer) {
  ReadPlan plan = read_plan(options, AssemblerOptions{options.service, {}});
  if (!inputs_rereadable(options)) return read_records(plan, *trace, observer);
  std::vector<std::string> needles{trace->id()};
  for (int pass = 0;; ++pass) {
    if (pass == kMaxFilteredPasses) {
      needles.clear();  // parse everything
      trace = std::make_unique<RequestTrace>(options.trace_id, options.join.window);
    }
    plan.assembler.required_text = needles;
    ReadSummary read = read_records(plan, *trace, observer);
    if (needles.empty() || interrupted()) return read;
    bool complete = true;
    for (const std::string& id : trace->wanted_ids()) {
      // An id that starts with the one asked was searched for through it.
      if (id.starts_with(trace->id()) ||
          std::find(needles.begin(), needles.end(), id) != needles.end())
        continue;
      needles.push_back(id);
      complete = false;
    }
    if (complete) return read;
    trace = std::make_unique<RequestTrace>(options.trace_id, options.join.window);
  }
}

}  // namespace

int run_trace(const Options& options) {
  auto trace = std::make_unique<RequestTrace>(options.trace_id, options.join.window);
  static constexpr std::uint64_t kNothingPrintedWhileReading = 0;
  TerminalObserver observer(options, kNothingPrintedWhileReading);
  const ReadSummary read = read_request(options, trace, observer);
  if (trace->matched_ids().size() > 1) {
    report_error(fmt::format("'{}' is ambiguous; it starts {} ids:", options.trace_id,
                             trace->matched_ids().size()));
    for (const std::string& id : trace->matched_ids()) fmt::print(stderr, "  {}\n", id);
    return 2;
  }
  std::vector<Record> records = trace->take_records();
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
