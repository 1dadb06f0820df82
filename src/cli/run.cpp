#include "cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "cli/pipeline.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/sink/output_stream.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::cli {

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class FilterAndPrint : public RecordHandler {
 public:
  FilterAndPrint(const Filter& filter, RecordSink& sink) : filter_(filter), sink_(sink) {}
  void on_record(const Record& record) override {
    if (!filter_.matches(record)) return;
    ++matched_;
    sink_.write(record);
  }
  std::uint64_t matched() const noexcept { return matched_; }

 private:
  const Filter& filter_;
  RecordSink& sink_;
  std::uint64_t matched_ = 0;
};

}  // namespace

bool use_color(ColorMode mode) {
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
}

int run(const Options& options) {
  std::optional<Filter> filter;
  try {
    filter.emplace(Filter::compile(options.filter, now_us()));
  } catch (const FilterError& e) {
    fmt::print(stderr, "pkgly-trail: {}\n", e.what());
    return 2;
  }
  OutputStream out(STDOUT_FILENO);
  SinkOptions sink_options;
  sink_options.format = options.output;
  sink_options.fields = options.fields;
  sink_options.audit = options.command == Command::Audit;
  sink_options.color = use_color(options.color);
  auto sink = make_record_sink(out, sink_options);

  FilterAndPrint handler(*filter, *sink);
  RecordAssembler assembler(handler, AssemblerOptions{options.service});
  std::function<void()> on_idle = [&out] { out.flush(); };
  PipelineResult result =
      run_inputs(options.inputs, assembler, ReadLimits{options.max_line_bytes}, on_idle);
  sink->finish();
  out.flush();

  if (out.failed()) {
    fmt::print(stderr, "{}\n", out.error());
    return 2;
  }
  const ParseStats& stats = assembler.stats();
  if (options.stats) print_stats(stats, result, handler.matched());
  if (stats.unparsed_lines > 0)
    fmt::print(stderr,
               "pkgly-trail: warning: {} line(s) looked like records but could not be parsed "
               "(first at {})\n",
               stats.unparsed_lines, stats.first_unparsed);
  if (result.input_trouble || (options.strict && stats.unparsed_lines > 0)) return 2;
  return handler.matched() > 0 ? 0 : 1;
}

}  // namespace pkgly_trail::cli
