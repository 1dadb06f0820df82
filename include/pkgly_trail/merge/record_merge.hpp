#pragma once
// merge stage (--merge): several inputs (rotated files, one file per replica or compose
// service) become one stream of records in timestamp order. Each input is read and assembled
// on its own thread into a small bounded queue; a k-way merge on the calling thread hands the
// records on, so memory stays bounded and no input is read to its end before the first record
// comes out.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pkgly_trail/input/line_reader.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail {

struct MergeInput {
  std::string name;  // as given: each record's source.input
  std::unique_ptr<LineReader> reader;
};

struct MergeOptions {
  AssemblerOptions assembler;  // the same for every input
  // Polled between batches of records and while waiting: true ends the merge early (Ctrl-C).
  std::function<bool()> should_stop;
  // The merge waits for an input whose reader is idle (a silent pipe): flush what is pending.
  std::function<void()> on_idle;
  // An input failed while being read (a corrupt gzip file): called, with the reader's message,
  // once the merge has handed on every record read before the failure. The other inputs go on.
  std::function<void(const std::string& message)> on_read_error;
  // Input bytes read (compressed, for gzip) behind the records taken so far, all inputs
  // together; called as each batch is taken, for a progress line.
  std::function<void(std::uint64_t bytes)> on_bytes;
};

struct MergeResult {
  ParseStats stats;  // summed over the inputs; first_unparsed from the first input with one
  std::uint64_t bytes = 0;
  std::uint64_t truncated_lines = 0;
  bool read_error = false;
};

// Hands every record of `inputs` to `handler`, on the calling thread, ordered by timestamp.
// Ties keep the order of `inputs`; a record without a timestamp goes with the record before it
// in its input. Each input must be in order itself: the merge interleaves inputs, it does not
// sort within one. Every reader thread has ended when this returns or throws.
MergeResult merge_records(std::vector<MergeInput> inputs, RecordHandler& handler,
                          const MergeOptions& options);

}  // namespace pkgly_trail
