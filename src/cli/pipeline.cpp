#include "cli/pipeline.hpp"

#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "pkgly_trail/input/follow.hpp"
#include "pkgly_trail/merge/record_merge.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace pkgly_trail::cli {

namespace {

class AssemblerFeed : public LineHandler {
 public:
  AssemblerFeed(RecordAssembler& assembler, const std::function<void()>& on_idle)
      : assembler_(assembler), on_idle_(on_idle) {}
  void on_line(const InputLine& line) override { assembler_.on_line(line.text, line.number); }
  void on_idle() override {
    assembler_.flush();
    if (on_idle_) on_idle_();
  }
  bool should_stop() const override { return interrupted(); }

 private:
  RecordAssembler& assembler_;
  const std::function<void()>& on_idle_;
};

class FollowFeed : public FollowedLineHandler {
 public:
  FollowFeed(RecordAssembler& assembler, const std::function<void()>& on_idle)
      : assembler_(assembler), on_idle_(on_idle) {}
  void on_line(std::string_view input, const InputLine& line) override {
    if (input != current_) {
      current_.assign(input);
      assembler_.begin_input(current_);
    }
    assembler_.on_line(line.text, line.number);
  }
  void on_idle() override {
    assembler_.flush();
    if (on_idle_) on_idle_();
  }
  bool should_stop() const override { return interrupted(); }
  void on_problem(std::string_view input, std::string_view message) override {
    std::fflush(stdout);
    fmt::print(stderr, "pkgly-trail: {}: {}\n", input, message);
  }

 private:
  RecordAssembler& assembler_;
  const std::function<void()>& on_idle_;
  std::string current_;
};

PipelineResult follow_inputs(const std::vector<std::string>& inputs, RecordAssembler& assembler,
                             ReadLimits limits, const std::function<void()>& on_idle) {
  PipelineResult result;
  auto start = std::chrono::steady_clock::now();
  FollowFeed feed(assembler, on_idle);
  follow_files(inputs, feed, FollowOptions{std::chrono::milliseconds(200), limits});
  assembler.flush();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

PipelineResult run_inputs(const std::vector<std::string>& inputs, RecordAssembler& assembler,
                          ReadLimits limits, const std::function<void()>& on_idle) {
  PipelineResult result;
  auto start = std::chrono::steady_clock::now();
  static const std::vector<std::string> kStdin{"-"};
  AssemblerFeed feed(assembler, on_idle);
  for (const std::string& name : inputs.empty() ? kStdin : inputs) {
    if (interrupted()) break;
    std::unique_ptr<LineReader> reader;
    try {
      reader = LineReader::open(name, limits);
    } catch (const InputError& e) {
      std::fflush(stdout);
      fmt::print(stderr, "{}\n", e.what());
      result.input_trouble = true;
      continue;
    }
    assembler.begin_input(name);
    if (!reader->read_lines(feed)) {
      fmt::print(stderr, "pkgly-trail: {}\n", reader->error());
      result.input_trouble = true;
    }
    assembler.flush();
    result.bytes += reader->bytes_read();
    result.truncated_lines += reader->lines_truncated();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// --merge: every input that opens is read on its own thread, and the records come out in
// timestamp order.
PipelineResult merge_inputs(const std::vector<std::string>& names, RecordHandler& handler,
                            const AssemblerOptions& assembler, ReadLimits limits,
                            const std::function<void()>& on_idle) {
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
  const MergeOptions merge{
      assembler, [] { return interrupted(); }, on_idle,
      [](const std::string& message) { fmt::print(stderr, "pkgly-trail: {}\n", message); }};
  MergeResult merged = merge_records(std::move(inputs), handler, merge);
  result.input_trouble = result.input_trouble || merged.read_error;
  result.bytes = merged.bytes;
  result.truncated_lines = merged.truncated_lines;
  result.stats = std::move(merged.stats);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

PipelineResult read_inputs(const Options& options, RecordHandler& handler,
                           const AssemblerOptions& assembler,
                           const std::function<void()>& on_idle) {
  const ReadLimits limits{options.max_line_bytes};
  // One input merged is that input read: no thread for it.
  if (options.merge && options.inputs.size() > 1)
    return merge_inputs(options.inputs, handler, assembler, limits, on_idle);
  RecordAssembler records(handler, assembler);
  PipelineResult result = options.follow ? follow_inputs(options.inputs, records, limits, on_idle)
                                         : run_inputs(options.inputs, records, limits, on_idle);
  result.stats = records.stats();
  return result;
}

}  // namespace pkgly_trail::cli
