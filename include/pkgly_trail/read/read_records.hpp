#pragma once
// read stage: the one driver that turns inputs into records down a stage chain, for every
// command. The command fills in a ReadPlan and builds the chain; this reads, assembles and
// hands each record on, relays nothing back up: idle and finish go down the chain, stop comes
// back from it (pkgly_trail/record/stage.hpp), and problems and progress go to the observer.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "pkgly_trail/input/follow.hpp"
#include "pkgly_trail/input/line_reader.hpp"
#include "pkgly_trail/input/read_observer.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"
#include "pkgly_trail/record/stage.hpp"

namespace pkgly_trail {

enum class ReadMode {
  OneAfterAnother,  // each input to its end, in the order given
  Merge,            // every input on its own thread, records merged by timestamp (--merge)
  Follow,           // the named files as they grow, until stopped (-f)
  FollowDirectory,  // a rolling logger's directory (--follow-dir)
};

struct ReadPlan {
  std::vector<std::string> inputs;  // "-" = stdin; none = stdin
  ReadMode mode = ReadMode::OneAfterAnother;
  // OneAfterAnother with at most one input: parse on a second thread while this one runs the
  // chain (the merge stage with one input: same records, same order). Worth it when the chain
  // does as much work per record as parsing does (join, report, trace).
  bool parse_ahead = false;
  FollowedDirectory directory;  // FollowDirectory
  std::chrono::milliseconds follow_interval{200};
  ReadLimits limits;
  AssemblerOptions assembler;
};

struct ReadSummary {
  bool input_trouble = false;  // an input could not be opened or read
  std::uint64_t bytes = 0;
  std::uint64_t truncated_lines = 0;
  double seconds = 0;
  std::vector<InputRead> inputs;  // each input read (opened), in order
  ParseStats stats;               // of every input (merged inputs are assembled apart: their sum)
};

// Reads what `plan` says and hands every record to `chain`; calls chain.finish() at the end,
// after a stop too (what was read whole is handed on first). Returns when the inputs end, the
// chain answers false, or observer.should_stop().
ReadSummary read_records(const ReadPlan& plan, RecordStage& chain, ReadObserver& observer);

}  // namespace pkgly_trail
