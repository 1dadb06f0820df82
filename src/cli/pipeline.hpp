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

// Reads the inputs of `options` (stdin when there is none) and hands each record to `handler`:
// one input after the other, merged by timestamp with --merge, followed with --follow.
// `on_idle` runs whenever the input would block, after pending records were completed.
struct Options;
PipelineResult read_inputs(const Options& options, RecordHandler& handler,
                           const AssemblerOptions& assembler, const std::function<void()>& on_idle);

}  // namespace pkgly_trail::cli
