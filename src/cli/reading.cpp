#include "cli/reading.hpp"

#include "cli/interrupt.hpp"
#include "cli/report_error.hpp"

namespace pkgly_trail::cli {

ReadPlan read_plan(const Options& options, AssemblerOptions assembler) {
  ReadPlan plan;
  plan.inputs = options.inputs;
  plan.limits = ReadLimits{options.max_line_bytes};
  plan.assembler = std::move(assembler);
  if (!options.follow_dir.empty()) {
    plan.mode = ReadMode::FollowDirectory;
    plan.directory = {options.follow_dir, options.follow_prefix};
  } else if (options.follow) {
    plan.mode = ReadMode::Follow;
  } else if (options.merge && options.inputs.size() > 1) {
    plan.mode = ReadMode::Merge;
  }
  // Speed: join, report and trace do as much work per record as parsing does, so a single
  // input is parsed on a second thread while this one joins, about a third faster on two
  // cores. Not for the filters, whose parse is most of their work.
  plan.parse_ahead = options.command == Command::Join || options.command == Command::Report ||
                     options.command == Command::Hunt || options.command == Command::Trace;
  return plan;
}

TerminalObserver::TerminalObserver(const Options& options, const std::uint64_t& matched)
    : progress_(options.progress, total_input_bytes(options.inputs)), matched_(matched) {}

void TerminalObserver::on_problem(std::string_view message) {
  progress_.erase();  // so the message does not land on the progress line
  report_error(message);
}

void TerminalObserver::on_progress(const ReadProgress& progress) {
  if (progress_.enabled()) progress_.update({progress.bytes, progress.records, matched_});
}

void TerminalObserver::on_end() {
  progress_.erase();
}

bool TerminalObserver::should_stop() const {
  return interrupted();
}

}  // namespace pkgly_trail::cli
