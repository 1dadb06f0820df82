// `join`: records -> correlate -> joined sink. Filters run once an event is complete, so they
// may name fields of its access record.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/sink/joined_sink.hpp"

namespace pkgly_trail::cli {

int run_join(const Options& options, const Filter& filter) {
  OutputStream out(STDOUT_FILENO);
  auto sink = make_joined_sink(out, sink_options(options));
  Correlator correlator(
      options.join,
      [&filter](const Record& audit, const Record* access) {
        return filter.matches(audit, access);
      },
      *sink);
  RecordAssembler assembler(correlator, AssemblerOptions{options.service, {}});
  std::function<void()> on_idle = [&] {
    correlator.on_idle();
    out.flush();
  };
  PipelineResult result =
      read_inputs(options, assembler, on_idle);
  correlator.finish();
  const JoinStats& join = correlator.stats();
  if (options.stats) {
    print_stats(assembler.stats(), result, join.printed);
    print_join_stats(join);
  }
  return finish_run(options, out, assembler.stats(), result, join.printed);
}

}  // namespace pkgly_trail::cli
