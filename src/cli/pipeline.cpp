#include "cli/pipeline.hpp"

#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "pkgly_trail/input/follow.hpp"
#include "pkgly_trail/merge/record_merge.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace pkgly_trail::cli {

namespace {

// What every feed shares: the hooks of the command, and the progress line fed every few
// thousand lines (a clock read per line would cost more than the line).
class Watch {
 public:
  Watch(const PipelineHooks& hooks, ProgressLine& progress) : hooks_(hooks), progress_(progress) {}
  void idle() {
    if (hooks_.on_idle) hooks_.on_idle();
    show_progress();  // a quiet input is when a person looks at the line
  }
  bool should_stop() const { return interrupted() || (hooks_.output_gone && hooks_.output_gone()); }
  void on_line(std::uint64_t bytes, const ParseStats& stats) {
    bytes_ = bytes;
    stats_ = &stats;
    if ((++lines_ & 0xFFF) == 0) show_progress();
  }
  // Before a message on stderr, so it does not land on the progress line.
  void erase_progress() { progress_.erase(); }

 private:
  void show_progress() {
    if (!progress_.enabled() || stats_ == nullptr) return;
    progress_.update({bytes_, stats_->records, hooks_.matched ? hooks_.matched() : 0});
  }

  const PipelineHooks& hooks_;
  ProgressLine& progress_;
  std::uint64_t lines_ = 0;
  std::uint64_t bytes_ = 0;
  const ParseStats* stats_ = nullptr;
};

class AssemblerFeed : public LineHandler {
 public:
  AssemblerFeed(RecordAssembler& assembler, Watch& watch) : assembler_(assembler), watch_(watch) {}
  // The input being read, and the bytes of the inputs before it.
  void reading(const LineReader* reader, std::uint64_t bytes_before) {
    reader_ = reader;
    bytes_before_ = bytes_before;
  }
  void on_line(const InputLine& line) override {
    assembler_.on_line(line.text, line.number, line.truncated);
    watch_.on_line(bytes_before_ + reader_->bytes_read(), assembler_.stats());
  }
  void on_idle() override {
    assembler_.on_idle();
    watch_.idle();
  }
  bool should_stop() const override { return watch_.should_stop(); }

 private:
  RecordAssembler& assembler_;
  Watch& watch_;
  const LineReader* reader_ = nullptr;
  std::uint64_t bytes_before_ = 0;
};

class FollowFeed : public FollowedLineHandler {
 public:
  FollowFeed(RecordAssembler& assembler, Watch& watch) : assembler_(assembler), watch_(watch) {}
  void on_line(std::string_view input, const InputLine& line) override {
    if (input != current_) {
      current_.assign(input);
      assembler_.begin_input(current_);
    }
    assembler_.on_line(line.text, line.number, line.truncated);
  }
  void on_idle() override {
    assembler_.on_idle();
    watch_.idle();
  }
  bool should_stop() const override { return watch_.should_stop(); }
  void on_problem(std::string_view input, std::string_view message) override {
    std::fflush(stdout);
    fmt::print(stderr, "pkgly-trail: {}: {}\n", input, message);
  }

 private:
  RecordAssembler& assembler_;
  Watch& watch_;
  std::string current_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// -f FILE... or --follow-dir DIR: until Ctrl-C.
PipelineResult follow_inputs(const Options& options, RecordAssembler& assembler, Watch& watch) {
  PipelineResult result;
  auto start = std::chrono::steady_clock::now();
  FollowFeed feed(assembler, watch);
  const FollowOptions follow{std::chrono::milliseconds(200), ReadLimits{options.max_line_bytes}};
  if (options.follow_dir.empty()) {
    follow_files(options.inputs, feed, follow);
  } else {
    follow_directory({options.follow_dir, options.follow_prefix}, feed, follow);
  }
  assembler.flush();
  result.seconds = seconds_since(start);
  return result;
}

PipelineResult run_inputs(const std::vector<std::string>& inputs, RecordAssembler& assembler,
                          ReadLimits limits, Watch& watch) {
  PipelineResult result;
  auto start = std::chrono::steady_clock::now();
  AssemblerFeed feed(assembler, watch);
  for (const std::string& name : inputs) {
    if (watch.should_stop()) break;
    std::unique_ptr<LineReader> reader;
    try {
      reader = LineReader::open(name, limits);
    } catch (const InputError& e) {
      std::fflush(stdout);
      watch.erase_progress();
      fmt::print(stderr, "{}\n", e.what());
      result.input_trouble = true;
      continue;
    }
    assembler.begin_input(name);
    feed.reading(reader.get(), result.bytes);
    if (!reader->read_lines(feed)) {
      watch.erase_progress();
      fmt::print(stderr, "pkgly-trail: {}\n", reader->error());
      result.input_trouble = true;
    }
    assembler.flush();
    result.bytes += reader->bytes_read();
    result.truncated_lines += reader->lines_truncated();
  }
  result.seconds = seconds_since(start);
  return result;
}

// The progress line of a merge counts records as they come out of it, and the input bytes
// behind them as the merge takes each batch (the inputs are read on the merge's threads).
class CountingHandler : public RecordHandler {
 public:
  CountingHandler(RecordHandler& next, Watch& watch) : next_(next), watch_(watch) {}
  void on_record(const Record& record) override {
    next_.on_record(record);
    counted();
  }
  void take_record(Record& record) override {
    next_.take_record(record);
    counted();
  }
  void on_bytes(std::uint64_t bytes) noexcept { bytes_ = bytes; }

 private:
  void counted() {
    ++stats_.records;
    watch_.on_line(bytes_, stats_);
  }

  RecordHandler& next_;
  Watch& watch_;
  ParseStats stats_;
  std::uint64_t bytes_ = 0;
};

// --merge: every input that opens is read on its own thread, and the records come out in
// timestamp order.
PipelineResult merge_inputs(const std::vector<std::string>& names, RecordHandler& handler,
                            const AssemblerOptions& assembler, ReadLimits limits, Watch& watch) {
  PipelineResult result;
  auto start = std::chrono::steady_clock::now();
  std::vector<MergeInput> inputs;
  for (const std::string& name : names) {
    try {
      inputs.push_back(MergeInput{name, LineReader::open(name, limits)});
    } catch (const InputError& e) {
      fmt::print(stderr, "{}\n", e.what());
      result.input_trouble = true;
    }
  }
  CountingHandler counted(handler, watch);
  const MergeOptions merge{assembler, [&watch] { return watch.should_stop(); },
                           [&watch] { watch.idle(); },
                           [&watch](const std::string& message) {
                             watch.erase_progress();
                             fmt::print(stderr, "pkgly-trail: {}\n", message);
                           },
                           [&counted](std::uint64_t bytes) { counted.on_bytes(bytes); }};
  MergeResult merged = merge_records(std::move(inputs), counted, merge);
  result.input_trouble = result.input_trouble || merged.read_error;
  result.bytes = merged.bytes;
  result.truncated_lines = merged.truncated_lines;
  result.stats = std::move(merged.stats);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace

PipelineResult read_inputs(const Options& options, RecordHandler& handler,
                           const AssemblerOptions& assembler, const PipelineHooks& hooks) {
  const ReadLimits limits{options.max_line_bytes};
  const bool merging = options.merge && options.inputs.size() > 1;
  // Speed: join, report and trace do as much work per record as parsing does, so a single
  // input is parsed on a second thread (the merge stage with one input: same records, same
  // order) while this one joins, about a third faster on two cores. Not for -f, which the
  // merge stage does not follow, nor for the filters, whose parse is most of their work.
  const bool parse_ahead = !options.follow && options.inputs.size() <= 1 &&
                           (options.command == Command::Join ||
                            options.command == Command::Report ||
                            options.command == Command::Trace);
  ProgressLine progress(options.progress, total_input_bytes(options.inputs));
  Watch watch(hooks, progress);
  // No FILE: stdin, named as `-` like any input.
  static const std::vector<std::string> kStdin{"-"};
  const std::vector<std::string>& inputs = options.inputs.empty() ? kStdin : options.inputs;
  if (merging || parse_ahead) return merge_inputs(inputs, handler, assembler, limits, watch);
  RecordAssembler records(handler, assembler);
  PipelineResult result = options.follow ? follow_inputs(options, records, watch)
                                         : run_inputs(inputs, records, limits, watch);
  result.stats = records.stats();
  return result;
}

}  // namespace pkgly_trail::cli
