#include "pkgly_trail/read/read_records.hpp"

#include <fmt/format.h>

#include <memory>

#include "pkgly_trail/merge/record_merge.hpp"

namespace pkgly_trail {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Lines read on this thread (one input after another, or followed files) into the assembler,
// the head of the chain.
class AssemblerFeed final : public LineHandler {
 public:
  AssemblerFeed(RecordAssembler& assembler, ReadObserver& observer)
      : assembler_(assembler), observer_(observer) {}

  // The next input read whole: a new input for the assembler, even under a name seen before.
  void begin_input(const LineReader& reader, std::uint64_t bytes_before) {
    assembler_.begin_input(reader.name());
    input_.assign(reader.name());
    reader_ = &reader;
    bytes_before_ = bytes_before;
  }

  void on_line(const InputLine& line) override {
    // Followed files take turns: each change of file is a new input for the assembler.
    if (line.input != input_) {
      input_.assign(line.input);
      assembler_.begin_input(input_);
    }
    assembler_.on_line(line.text, line.number, line.truncated);
    // A clock read per line would cost more than the line: every few thousand.
    if ((++lines_ & 0xFFF) == 0) report_progress();
  }
  void on_idle() override {
    assembler_.on_idle();
    report_progress();  // a quiet input is when a person looks at the progress
  }
  bool should_stop() const override { return assembler_.stopped() || observer_.should_stop(); }
  void on_problem(std::string_view input, std::string_view message) override {
    observer_.on_problem(fmt::format("{}: {}", input, message));
  }

 private:
  void report_progress() {
    const std::uint64_t bytes = reader_ ? bytes_before_ + reader_->bytes_read() : 0;
    observer_.on_progress({bytes, assembler_.stats().records});
  }

  RecordAssembler& assembler_;
  ReadObserver& observer_;
  std::string input_;
  const LineReader* reader_ = nullptr;
  std::uint64_t bytes_before_ = 0;
  std::uint64_t lines_ = 0;
};

void one_after_another(const std::vector<std::string>& inputs, const ReadPlan& plan,
                       RecordStage& chain, ReadObserver& observer, ReadSummary& summary) {
  RecordAssembler assembler(chain, plan.assembler);
  AssemblerFeed feed(assembler, observer);
  for (const std::string& name : inputs) {
    if (feed.should_stop()) break;
    std::unique_ptr<LineReader> reader;
    try {
      reader = LineReader::open(name, plan.limits);
    } catch (const InputError& e) {
      observer.on_problem(e.what());
      summary.input_trouble = true;
      continue;
    }
    feed.begin_input(*reader, summary.bytes);
    if (!reader->read_lines(feed)) {
      observer.on_problem(reader->error());
      summary.input_trouble = true;
    }
    assembler.end_input();
    summary.bytes += reader->bytes_read();
    summary.inputs.push_back(reader->facts());
    summary.truncated_lines += reader->lines_truncated();
  }
  assembler.finish();
  summary.stats = assembler.stats();
}

void merged(const std::vector<std::string>& names, const ReadPlan& plan, RecordStage& chain,
            ReadObserver& observer, ReadSummary& summary) {
  std::vector<MergeInput> inputs;
  for (const std::string& name : names) {
    try {
      inputs.push_back(MergeInput{name, LineReader::open(name, plan.limits)});
    } catch (const InputError& e) {
      observer.on_problem(e.what());
      summary.input_trouble = true;
    }
  }
  MergeResult result = merge_records(std::move(inputs), chain, plan.assembler, observer);
  chain.finish();
  summary.input_trouble = summary.input_trouble || result.read_error;
  summary.bytes = result.bytes;
  summary.truncated_lines = result.truncated_lines;
  summary.inputs = std::move(result.inputs);
  summary.stats = std::move(result.stats);
}

// -f FILE... or --follow-dir DIR: until stopped.
void followed(const ReadPlan& plan, RecordStage& chain, ReadObserver& observer,
              ReadSummary& summary) {
  RecordAssembler assembler(chain, plan.assembler);
  AssemblerFeed feed(assembler, observer);
  const FollowOptions follow{plan.follow_interval, plan.limits};
  if (plan.mode == ReadMode::FollowDirectory) {
    follow_directory(plan.directory, feed, follow);
  } else {
    follow_files(plan.inputs, feed, follow);
  }
  assembler.finish();
  summary.stats = assembler.stats();
}

}  // namespace

ReadSummary read_records(const ReadPlan& plan, RecordStage& chain, ReadObserver& observer) {
  ReadSummary summary;
  const auto start = Clock::now();
  static const std::vector<std::string> kStdin{"-"};
  const std::vector<std::string>& inputs = plan.inputs.empty() ? kStdin : plan.inputs;
  switch (plan.mode) {
    case ReadMode::Follow:
    case ReadMode::FollowDirectory:
      followed(plan, chain, observer, summary);
      break;
    case ReadMode::Merge:
      merged(inputs, plan, chain, observer, summary);
      break;
    case ReadMode::OneAfterAnother:
      if (plan.parse_ahead && inputs.size() == 1) {
        merged(inputs, plan, chain, observer, summary);
      } else {
        one_after_another(inputs, plan, chain, observer, summary);
      }
      break;
  }
  summary.seconds = seconds_since(start);
  observer.on_end();
  return summary;
}

}  // namespace pkgly_trail
