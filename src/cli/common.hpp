#pragma once
// Pieces every command needs: the clock, colour choice, and how a run ends.
#include <cstdint>

#include "cli/options.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/filter/name_watch.hpp"
#include "pkgly_trail/read/read_records.hpp"
#include "pkgly_trail/sink/output_stream.hpp"
#include "pkgly_trail/store/postgres.hpp"

namespace pkgly_trail::cli {

std::int64_t now_us();
// --color auto: on when stdout is a terminal and NO_COLOR is unset or empty.
bool use_color(ColorMode mode, bool stdout_terminal);
SinkOptions sink_options(const Options& options);
// --postgres, --source-label (default: the host name); the writer's notes go to stderr.
PostgresSinkOptions postgres_options(const Options& options);
// Flushes, reports unparsed lines and output errors; returns the exit status
// (0 something printed, 1 nothing, 2 trouble). `join` is the join's counts, for the commands
// that join.
int finish_run(const Options& options, OutputStream& out, const ReadSummary& read,
               std::uint64_t printed, const JoinStats* join = nullptr);
// The names the run's --fields and --where/--match keys ask for.
NameWatch watch_names(const Options& options, const Filter& filter);
// Warns about each name no record had: the closest name the records did have, or `join`
// when only the access record has it (`joined`: the command joined, and looked there too).
void warn_missing_names(const NameWatch& watch, bool joined);

}  // namespace pkgly_trail::cli
