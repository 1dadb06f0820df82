#pragma once
// merge stage (--merge): several inputs (rotated files, one file per replica or compose
// service) become one stream of records in timestamp order. Each input is read and assembled
// on its own thread into a small bounded queue; a k-way merge on the calling thread hands the
// records on, so memory stays bounded and no input is read to its end before the first record
// comes out.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pkgly_trail/input/line_reader.hpp"
#include "pkgly_trail/input/read_observer.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail {

struct MergeInput {
  std::string name;  // as given: each record's source.input
  std::unique_ptr<LineReader> reader;
};

struct MergeResult {
  ParseStats stats;  // summed over the inputs; first_unparsed from the first input with one
  std::uint64_t bytes = 0;
  std::uint64_t truncated_lines = 0;
  bool read_error = false;
  std::vector<InputRead> inputs;  // in the order given
};

// Hands every record of `inputs` to `next`, on the calling thread, ordered by timestamp, and
// `next.on_idle()` while it waits for an input whose reader is idle (a silent pipe); stops
// reading when `next` answers false or observer.should_stop(). An input that fails while
// being read (a corrupt gzip file) is reported to observer.on_problem once the merge has
// handed on every record read before the failure; the other inputs go on. The progress is
// told as each batch of records is taken, with the input bytes behind the batches taken so
// far. The caller calls `next.finish()`.
// Ties keep the order of `inputs`; a record without a timestamp goes with the record before it
// in its input. Each input must be in order itself: the merge interleaves inputs, it does not
// sort within one. Every reader thread has ended when this returns or throws.
MergeResult merge_records(std::vector<MergeInput> inputs, RecordStage& next,
                          const AssemblerOptions& assembler, ReadObserver& observer);

}  // namespace pkgly_trail
