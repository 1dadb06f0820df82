#include "cli/pipeline.hpp"

#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "pkgly_trail/input/follow.hpp"

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

}  // namespace

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

}  // namespace pkgly_trail::cli

namespace pkgly_trail::cli {

PipelineResult read_inputs(const Options& options, RecordAssembler& assembler,
                           const std::function<void()>& on_idle) {
  const ReadLimits limits{options.max_line_bytes};
  return options.follow ? follow_inputs(options.inputs, assembler, limits, on_idle)
                        : run_inputs(options.inputs, assembler, limits, on_idle);
}

}  // namespace pkgly_trail::cli
