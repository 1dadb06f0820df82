#pragma once
// Drives input -> envelope/parse for every input named on the command line; shared by all
// commands. The command supplies what happens to each record.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "pkgly_trail/input/line_reader.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail::cli {

struct PipelineResult {
  bool input_trouble = false;  // an input could not be opened or read
  std::uint64_t bytes = 0;
  std::uint64_t truncated_lines = 0;
  double seconds = 0;
  ParseStats stats;  // of every input (--merge assembles each input apart: their sum)
};

// What a command tells the pipeline besides where the records go. Each may be empty.
struct PipelineHooks {
  // The input would block (a quiet pipe, a followed file): complete and print what waits.
  std::function<void()> on_idle;
  // Records or events printed so far, for the progress line.
  std::function<std::uint64_t()> matched;
  // stdout has gone away (`| head`, a pager quit): reading on would be wasted work.
  std::function<bool()> output_gone;
};

// Reads the inputs of `options` (stdin when there is none) and hands each record to `handler`:
// one input after the other, merged by timestamp with --merge, followed with --follow or
// --follow-dir. Draws the progress line when options.progress says so.
struct Options;
PipelineResult read_inputs(const Options& options, RecordHandler& handler,
                           const AssemblerOptions& assembler, const PipelineHooks& hooks);

}  // namespace pkgly_trail::cli
