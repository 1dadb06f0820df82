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
};

// Reads every input in order (stdin when `inputs` is empty), feeding `assembler`. `on_idle`
// runs whenever the input would block, after pending records were completed.
PipelineResult run_inputs(const std::vector<std::string>& inputs, RecordAssembler& assembler,
                          ReadLimits limits, const std::function<void()>& on_idle);

// Reads the inputs of `options`, following them when --follow asks for it.
struct Options;
PipelineResult read_inputs(const Options& options, RecordAssembler& assembler,
                           const std::function<void()>& on_idle);

// --follow: the same, but the files are followed as they grow (and rotate) until Ctrl-C.
PipelineResult follow_inputs(const std::vector<std::string>& inputs, RecordAssembler& assembler,
                             ReadLimits limits, const std::function<void()>& on_idle);

}  // namespace pkgly_trail::cli
