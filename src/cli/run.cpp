#include "cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/completions.hpp"
#include "cli/man_page.hpp"
#include "cli/pager.hpp"
#include "cli/stats_report.hpp"
#include "cli/terminal.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::cli {

namespace {

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

// `records` and `audit`: filter each record and print it.
int run_records(const Options& options, const Filter& filter) {
  OutputStream out(STDOUT_FILENO);
  auto sink = make_record_sink(out, sink_options(options));
  FilterAndPrint handler(filter, *sink);
  const PipelineHooks hooks{[&out] { out.flush(); }, [&handler] { return handler.matched(); },
                            [&out] { return out.broken_pipe(); }};
  PipelineResult result = read_inputs(
      options, handler, AssemblerOptions{options.service, filter.required_text()}, hooks);
  sink->finish();
  if (options.stats) print_stats(result.stats, result, handler.matched());
  return finish_run(options, out, result.stats, result, handler.matched());
}

// `completions` and `man`: documents generated from the command line's own definition.
int print_generated(const Options& options) {
  Options unused;
  CommandLine command_line(unused);
  const std::string text = options.command == Command::Man
                               ? man_page(command_line.app())
                               : completion_script(command_line.app(), options.shell);
  OutputStream out(STDOUT_FILENO);
  out.buffer().append(std::string_view(text));
  out.flush();
  if (out.failed()) {
    fmt::print(stderr, "{}\n", out.error());
    return 2;
  }
  return 0;
}

}  // namespace

int run(const Options& requested) {
  if (requested.command == Command::Completions || requested.command == Command::Man)
    return print_generated(requested);
  const Screen screen = probe_screen();
  const Options options = settle_for_screen(requested, screen);
  // Declared before the command runs so that it outlives the command's output stream: its
  // destructor closes stdout and waits until the reader quits the pager.
  const std::unique_ptr<Pager> pager = Pager::start(options, screen);
  std::optional<Filter> filter;
  try {
    filter.emplace(Filter::compile(options.filter, now_us()));
  } catch (const FilterError& e) {
    fmt::print(stderr, "pkgly-trail: {}\n", e.what());
    return 2;
  }
  switch (options.command) {
    case Command::Join:
      return run_join(options, *filter);
    case Command::Trace:
      return run_trace(options);
    case Command::Report:
      return run_report(options, *filter);
    default:
      return run_records(options, *filter);
  }
}

}  // namespace pkgly_trail::cli
