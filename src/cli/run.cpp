#include "cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/completions.hpp"
#include "cli/man_page.hpp"
#include "cli/pager.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/stats_report.hpp"
#include "cli/terminal.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/filter/filter_stage.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::cli {

namespace {

// `records` and `audit`: records -> filter -> sink.
int run_records(const Options& options, const Filter& filter) {
  OutputStream out(STDOUT_FILENO);
  auto sink = make_record_sink(out, sink_options(options));
  NameWatch names = watch_names(options, filter);
  FilterStage filtered(filter, *sink, &names);
  TerminalObserver observer(options, filtered.matched());
  const ReadSummary read =
      read_records(read_plan(options, AssemblerOptions{options.service, filter.required_text()}),
                   filtered, observer);
  if (options.stats) print_stats(read, filtered.matched());
  warn_missing_names(names, false);
  return finish_run(options, out, read, filtered.matched());
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
    report_error(out.error());
    return 2;
  }
  return 0;
}

}  // namespace

int run(const Options& requested) {
  if (requested.command == Command::Completions || requested.command == Command::Man)
    return print_generated(requested);
  if (requested.command == Command::Db) return run_db(requested);
  const Screen screen = probe_screen();
  const Options options = settle_for_screen(requested, screen);
  // Declared before the command runs so that it outlives the command's output stream: its
  // destructor closes stdout and waits until the reader quits the pager.
  const std::unique_ptr<Pager> pager = Pager::start(options, screen);
  std::optional<Filter> filter;
  try {
    filter.emplace(Filter::compile(options.filter, now_us()));
  } catch (const FilterError& e) {
    report_error(e.what());
    return 2;
  }
  // Nothing given and nothing piped: say what it waits for, as a person may not know.
  const bool stdin_named =
      options.inputs.empty() ||
      std::find(options.inputs.begin(), options.inputs.end(), "-") != options.inputs.end();
  if (stdin_named && options.follow_dir.empty() && options.postgres.empty() &&
      ::isatty(STDIN_FILENO) == 1)
    report_note(
        "reading standard input, which is the terminal: name log files, or pipe logs "
        "in (Ctrl-D ends)");
  switch (options.command) {
    case Command::Join:
      return run_join(options, *filter);
    case Command::Trace:
      return run_trace(options);
    case Command::Report:
      return run_report(options, *filter);
    case Command::Hunt:
      return run_hunt(options, *filter);
    default:
      return run_records(options, *filter);
  }
}

}  // namespace pkgly_trail::cli
