// The merge stage alone: inputs are in-memory texts read by a LineReader of the test's own.
#include "pkgly_trail/merge/record_merge.hpp"

#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "parse/parse_helpers.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

// A LineReader over a string; after the text it can fail like a corrupt gzip file.
class TextReader : public LineReader {
 public:
  TextReader(std::string name, std::string text, std::string failure = {})
      : name_(std::move(name)), text_(std::move(text)), failure_(std::move(failure)) {}

  bool read_lines(LineHandler& handler) override {
    for (std::size_t start = 0; start < text_.size();) {
      std::size_t end = text_.find('\n', start);
      if (end == std::string::npos) end = text_.size();
      handler.on_line(
          InputLine{name_, std::string_view(text_).substr(start, end - start), ++lines_});
      start = end + 1;
      bytes_ = start;
      before_next_line(handler);
      if (handler.should_stop()) return true;
    }
    if (failure_.empty()) return true;
    error_ = name_ + ": " + failure_;
    return false;
  }
  const std::string& name() const override { return name_; }
  const std::string& error() const override { return error_; }
  std::uint64_t bytes_read() const override { return bytes_; }
  std::uint64_t lines_truncated() const override { return 0; }

 protected:
  virtual void before_next_line(LineHandler&) {}
  std::uint64_t lines_ = 0;

 private:
  std::string name_;
  std::string text_;
  std::string failure_;
  std::string error_;
  std::uint64_t bytes_ = 0;
};

MergeInput text_input(const std::string& name, std::string text, std::string failure = {}) {
  return MergeInput{name, std::make_unique<TextReader>(name, std::move(text), std::move(failure))};
}

// A json record at 2025-11-20T10:15:<seconds>Z.
std::string json_at(const std::string& seconds, const std::string& message) {
  return R"({"timestamp":"2025-11-20T10:15:)" + seconds +
         R"(Z","level":"INFO","fields":{"message":")" + message + R"("},"target":"pkgly::x"})" +
         "\n";
}

// What the handler saw, in order: message @ input:line.
struct Seen : RecordStage {
  bool on_record(Record& record) override {
    order.push_back(std::string(record.message.value_or("")) + " @ " +
                    std::string(record.source.input) + ":" + std::to_string(record.source.line));
    return true;
  }
  void on_idle() override {
    if (idle) idle();
  }
  std::vector<std::string> order;
  std::function<void()> idle;  // what on_idle does, if anything
};

// What the merge tells its runner: problems, progress, and a stop when `stop` says so.
struct Observer : ReadObserver {
  void on_problem(std::string_view message) override { problems.emplace_back(message); }
  void on_progress(const ReadProgress& at) override { progress.push_back(at); }
  bool should_stop() const override { return stop && stop(); }
  std::vector<std::string> problems;
  std::vector<ReadProgress> progress;
  std::function<bool()> stop;
};

std::vector<std::string> merged(std::vector<MergeInput> inputs, MergeResult* result = nullptr) {
  Seen seen;
  Observer observer;
  MergeResult got = merge_records(std::move(inputs), seen, AssemblerOptions{}, observer);
  if (result) *result = std::move(got);
  return seen.order;
}

std::vector<MergeInput> two(MergeInput a, MergeInput b) {
  std::vector<MergeInput> inputs;
  inputs.push_back(std::move(a));
  inputs.push_back(std::move(b));
  return inputs;
}

void check_line_identity(const ParseStats& s) {
  CHECK(s.lines == s.record_lines + s.continuation_lines + s.non_tracing_lines + s.unparsed_lines +
                       s.other_service_lines);
}

}  // namespace

TEST_CASE("merge interleaves inputs by timestamp", "[merge]") {
  auto a = text_input("a.log",
                      json_at("30.100", "a1") + json_at("30.300", "a2") + json_at("31.000", "a3"));
  auto b = text_input("b.log", json_at("30.050", "b1") + json_at("30.200", "b2") +
                                   json_at("30.900", "b3") + json_at("32.000", "b4"));
  MergeResult result;
  const std::vector<std::string> expected{"b1 @ b.log:1", "a1 @ a.log:1", "b2 @ b.log:2",
                                          "a2 @ a.log:2", "b3 @ b.log:3", "a3 @ a.log:3",
                                          "b4 @ b.log:4"};
  CHECK(merged(two(std::move(a), std::move(b)), &result) == expected);
  CHECK(result.stats.records == 7);
  CHECK(result.stats.lines == 7);
  CHECK_FALSE(result.read_error);
}

TEST_CASE("merge: equal timestamps keep the order of the inputs", "[merge]") {
  auto a = text_input("a.log", json_at("30.100", "a1") + json_at("30.100", "a2"));
  auto b = text_input("b.log", json_at("30.100", "b1") + json_at("30.200", "b2"));
  const std::vector<std::string> expected{"a1 @ a.log:1", "a2 @ a.log:2", "b1 @ b.log:1",
                                          "b2 @ b.log:2"};
  CHECK(merged(two(std::move(a), std::move(b))) == expected);
  // Named the other way round, b's records come first.
  auto a2 = text_input("a.log", json_at("30.100", "a1") + json_at("30.100", "a2"));
  auto b2 = text_input("b.log", json_at("30.100", "b1") + json_at("30.200", "b2"));
  const std::vector<std::string> swapped{"b1 @ b.log:1", "a1 @ a.log:1", "a2 @ a.log:2",
                                         "b2 @ b.log:2"};
  CHECK(merged(two(std::move(b2), std::move(a2))) == swapped);
}

TEST_CASE("merge: a record without a timestamp stays after the record before it", "[merge]") {
  const std::string untimed = R"({"level":"WARN","fields":{"message":"a-untimed"},"target":"x"})";
  auto a = text_input("a.log", json_at("30.100", "a1") + untimed + "\n" + json_at("30.400", "a3"));
  auto b = text_input("b.log", json_at("30.200", "b1") + json_at("30.300", "b2"));
  const std::vector<std::string> expected{"a1 @ a.log:1", "a-untimed @ a.log:2", "b1 @ b.log:1",
                                          "b2 @ b.log:2", "a3 @ a.log:3"};
  CHECK(merged(two(std::move(a), std::move(b))) == expected);
  // At the start of its input it comes before every timed record.
  auto c = text_input("c.log", untimed + "\n" + json_at("30.500", "c1"));
  auto d = text_input("d.log", json_at("30.000", "d1"));
  const std::vector<std::string> first{"a-untimed @ c.log:1", "d1 @ d.log:1", "c1 @ c.log:2"};
  CHECK(merged(two(std::move(c), std::move(d))) == first);
}

TEST_CASE("merge: an empty input and no input at all", "[merge]") {
  MergeResult result;
  auto order = merged(two(text_input("empty.log", ""),
                          text_input("b.log", json_at("30.200", "b1") + json_at("30.300", "b2"))),
                      &result);
  CHECK(order == std::vector<std::string>{"b1 @ b.log:1", "b2 @ b.log:2"});
  CHECK(result.stats.lines == 2);
  CHECK(merged({}).empty());
}

TEST_CASE("merge: a json input and a full-format input with a compose prefix", "[merge][format]") {
  auto json = text_input("json.log", json_at("30.100", "j1") + json_at("30.300", "j2"));
  auto full = text_input("full.log",
                         "pkgly-1  | 2025-11-20T10:15:30.200000Z  INFO pkgly::x: f1\n"
                         "postgres-1  | LOG:  checkpoint starting: time\n"
                         "pkgly-1  | 2025-11-20T10:15:30.400000Z  WARN pkgly::x: f2\n");
  MergeResult result;
  const std::vector<std::string> expected{"j1 @ json.log:1", "f1 @ full.log:1", "j2 @ json.log:2",
                                          "f2 @ full.log:3"};
  CHECK(merged(two(std::move(json), std::move(full)), &result) == expected);
  CHECK(result.stats.records_by_format[static_cast<int>(Format::Json)] == 2);
  CHECK(result.stats.records_by_format[static_cast<int>(Format::Full)] == 2);
  CHECK(result.stats.lines == 5);
  check_line_identity(result.stats);
}

TEST_CASE("merge: multi-line pretty records are kept whole", "[merge][pretty]") {
  // pretty-noansi.log dealt into two inputs, a record (a block of lines ending with a blank
  // line) at a time: merged, they must give the records of the whole file, in its order.
  const std::string log = testing::read_file(testing::fixture_path("pretty-noansi.log"));
  std::string halves[2];
  int turn = 0;
  for (std::size_t start = 0; start < log.size();) {
    std::size_t end = log.find("\n\n", start);
    end = end == std::string::npos ? log.size() : end + 2;
    halves[turn] += log.substr(start, end - start);
    turn = 1 - turn;
    start = end;
  }
  const testing::Parsed whole = testing::parse_text(log);
  REQUIRE(whole.records.size() > 100);

  testing::CollectRecords collected;
  testing::KeepProblems observer;
  MergeResult result =
      merge_records(two(text_input("a.log", halves[0]), text_input("b.log", halves[1])), collected,
                    AssemblerOptions{}, observer);
  REQUIRE(collected.records.size() == whole.records.size());
  for (std::size_t i = 0; i < whole.records.size(); ++i) {
    const Record& want = whole.records[i];
    const Record& got = collected.records[i];
    INFO("record " << i << " at line " << want.source.line);
    CHECK(got.timestamp == want.timestamp);
    CHECK(got.format == Format::Pretty);
    CHECK(got.message == want.message);
    CHECK(got.fields.size() == want.fields.size());
    CHECK(got.spans.size() == want.spans.size());
    CHECK(got.span_fields.size() == want.span_fields.size());
    CHECK(got.request_id == want.request_id);
    CHECK(got.source.input == (i % 2 == 0 ? "a.log" : "b.log"));
  }
  CHECK(result.stats.records == whole.stats.records);
  CHECK(result.stats.continuation_lines == whole.stats.continuation_lines);
  CHECK(result.stats.lines == whole.stats.lines);
  check_line_identity(result.stats);
}

TEST_CASE("merge: stats are summed and the first unparsed line is named", "[merge][stats]") {
  auto a = text_input("a.log", json_at("30.100", "a1") + "banner\n");
  auto b = text_input("b.log", json_at("30.200", "b1") + "{\"timestamp\":\"x\",\"level\":\n");
  MergeResult result;
  merged(two(std::move(a), std::move(b)), &result);
  CHECK(result.stats.lines == 4);
  CHECK(result.stats.records == 2);
  CHECK(result.stats.non_tracing_lines == 1);
  CHECK(result.stats.unparsed_lines == 1);
  CHECK(result.stats.first_unparsed == "b.log:2");
  CHECK(result.bytes > 0);
  check_line_identity(result.stats);
}

TEST_CASE("merge: an input that fails mid-read is reported after its records", "[merge][errors]") {
  std::vector<std::string> events;
  struct Log : RecordStage, ReadObserver {
    std::vector<std::string>& events;
    explicit Log(std::vector<std::string>& e) : events(e) {}
    bool on_record(Record& record) override {
      events.emplace_back(record.message.value_or(""));
      return true;
    }
    void on_problem(std::string_view message) override { events.emplace_back(message); }
  } log(events);
  auto broken = text_input("broken.log.gz", json_at("30.100", "x1") + json_at("30.300", "x2"),
                           "gzip: invalid compressed data");
  auto good = text_input("good.log", json_at("30.200", "g1") + json_at("30.400", "g2"));
  MergeResult result =
      merge_records(two(std::move(broken), std::move(good)), log, AssemblerOptions{}, log);
  CHECK(result.read_error);
  CHECK(events == std::vector<std::string>{"x1", "g1", "x2",
                                           "broken.log.gz: gzip: invalid compressed data", "g2"});
}

TEST_CASE("merge: a large input goes through bounded queues", "[merge][memory]") {
  // The reader of `many` counts the lines it has handed on; the merge may never be more than
  // a few batches behind it.
  struct CountingReader : TextReader {
    using TextReader::TextReader;
    std::atomic<std::uint64_t>* read = nullptr;
    void before_next_line(LineHandler&) override { read->store(lines_); }
  };
  std::string many_text;
  std::string few_text;
  for (int i = 0; i < 20000; ++i) {
    const std::string seconds = fmt::format("{:02}.{:06}", 30 + i / 1000000, i % 1000000);
    many_text += json_at(seconds, "m");
    if (i % 1000 == 0) few_text += json_at(seconds, "f");
  }
  std::atomic<std::uint64_t> read{0};
  auto reader = std::make_unique<CountingReader>("many.log", many_text);
  reader->read = &read;
  struct Watch : RecordStage {
    std::atomic<std::uint64_t>& read;
    std::uint64_t seen = 0;
    std::uint64_t most_ahead = 0;
    explicit Watch(std::atomic<std::uint64_t>& r) : read(r) {}
    bool on_record(Record& record) override {
      if (*record.message == "m") ++seen;
      most_ahead = std::max(most_ahead, read.load() - std::min(read.load(), seen));
      return true;
    }
  } watch(read);
  std::vector<MergeInput> inputs;
  inputs.push_back(MergeInput{"many.log", std::move(reader)});
  inputs.push_back(text_input("few.log", few_text));
  Observer observer;
  MergeResult result = merge_records(std::move(inputs), watch, AssemblerOptions{}, observer);
  CHECK(watch.seen == 20000);
  CHECK(result.stats.records == 20020);
  // A few batches, plus the records the assembler keeps for its doubt window.
  const std::uint64_t window_lines =
      RecordAssembler::kDoubtWindowBytes / (many_text.size() / 20000);
  CHECK(watch.most_ahead < 4000 + window_lines);
}

TEST_CASE("merge: records come out before an input has ended", "[merge][streaming]") {
  // `live` hands over one record, then waits (idle, like a silent pipe) until the merge has
  // handed that record on; a merge that waited for the end of an input would never do so.
  struct Gate {
    std::mutex mutex;
    std::condition_variable opened;
    bool open = false;
    bool timed_out = false;  // here, not in the reader: the merge destroys its readers
  } gate;
  struct LiveReader : TextReader {
    Gate* gate = nullptr;
    bool waited = false;
    LiveReader(Gate* g, std::string text) : TextReader("live.log", std::move(text)), gate(g) {}
    void before_next_line(LineHandler& handler) override {
      if (waited) return;
      waited = true;
      handler.on_idle();
      std::unique_lock lock(gate->mutex);
      gate->timed_out =
          !gate->opened.wait_for(lock, std::chrono::seconds(10), [this] { return gate->open; });
    }
  };
  auto live =
      std::make_unique<LiveReader>(&gate, json_at("30.100", "l1") + json_at("30.300", "l2"));
  struct OpenGate : RecordStage {
    Gate& gate;
    std::vector<std::string> order;
    explicit OpenGate(Gate& g) : gate(g) {}
    bool on_record(Record& record) override {
      order.emplace_back(record.message.value_or(""));
      std::lock_guard lock(gate.mutex);
      gate.open = true;
      gate.opened.notify_all();
      return true;
    }
  } handler(gate);
  std::vector<MergeInput> inputs;
  inputs.push_back(MergeInput{"live.log", std::move(live)});
  inputs.push_back(text_input("file.log", json_at("30.200", "f1")));
  Observer observer;
  merge_records(std::move(inputs), handler, AssemblerOptions{}, observer);
  CHECK_FALSE(gate.timed_out);
  CHECK(handler.order == std::vector<std::string>{"l1", "f1", "l2"});

  SECTION("on_idle runs while the merge waits for an idle input") {
    // Now the gate opens only from the next stage's on_idle: the merge has handed on l1 and
    // f1 and waits for live.log, whose reader said it is idle.
    Gate idle_gate;
    auto quiet =
        std::make_unique<LiveReader>(&idle_gate, json_at("30.100", "l1") + json_at("30.300", "l2"));
    Seen seen;
    seen.idle = [&idle_gate] {
      std::lock_guard lock(idle_gate.mutex);
      idle_gate.open = true;
      idle_gate.opened.notify_all();
    };
    Observer observer;
    std::vector<MergeInput> again;
    again.push_back(MergeInput{"live.log", std::move(quiet)});
    again.push_back(text_input("file.log", json_at("30.200", "f1")));
    merge_records(std::move(again), seen, AssemblerOptions{}, observer);
    CHECK_FALSE(idle_gate.timed_out);
    CHECK(seen.order ==
          std::vector<std::string>{"l1 @ live.log:1", "f1 @ file.log:1", "l2 @ live.log:2"});
  }
}

TEST_CASE("merge: should_stop ends it early and every reader ends", "[merge][interrupt]") {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += json_at(fmt::format("30.{:06}", i), "r");
  Seen seen;
  Observer observer;
  observer.stop = [&seen] { return seen.order.size() >= 1000; };
  MergeResult result = merge_records(two(text_input("a.log", text), text_input("b.log", text)),
                                     seen, AssemblerOptions{}, observer);
  CHECK(seen.order.size() >= 1000);
  // Read before the stop: a few batches and each input's assembler's doubt window.
  CHECK(seen.order.size() < 5000 + 2 * RecordAssembler::kDoubtWindowBytes / (text.size() / 50000));
  CHECK(result.stats.records < 100000);
}

TEST_CASE("merge: an exception from the handler ends the merge cleanly", "[merge][errors]") {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += json_at(fmt::format("30.{:06}", i), "r");
  struct Throwing : RecordStage {
    int left = 10;
    bool on_record(Record&) override {
      if (--left == 0) throw std::runtime_error("sink failed");
      return true;
    }
  } throwing;
  Observer observer;
  CHECK_THROWS_WITH(merge_records(two(text_input("a.log", text), text_input("b.log", text)),
                                  throwing, AssemblerOptions{}, observer),
                    "sink failed");
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("merge: the progress counts the input bytes behind the records taken", "[merge]") {
  std::string a, b;
  for (int i = 0; i < 600; ++i) a += json_at(fmt::format("{:02}.{:06}", i / 20, i), "a");
  for (int i = 0; i < 300; ++i) b += json_at(fmt::format("{:02}.{:06}", i / 10, i), "b");
  const std::uint64_t total = a.size() + b.size();
  std::vector<MergeInput> inputs;
  inputs.push_back(text_input("a.log", a));
  inputs.push_back(text_input("b.log", b));
  Observer observer;
  Seen seen;
  merge_records(std::move(inputs), seen, AssemblerOptions{}, observer);
  std::vector<std::uint64_t> reported;
  for (const ReadProgress& at : observer.progress) reported.push_back(at.bytes);
  CHECK(std::is_sorted(reported.begin(), reported.end()));
  CHECK(reported.back() == total);
  CHECK(seen.order.size() == 900);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("merge: records of lines read before a stop still come out", "[merge][interrupt]") {
  // A live input that has delivered two lines and then waits for more (a pipe that is not yet
  // idle) when Ctrl-C comes: its records are not lost with the stop.
  struct WaitingReader : TextReader {
    explicit WaitingReader(std::string text) : TextReader("live.log", std::move(text)) {}
    void before_next_line(LineHandler& handler) override {
      if (lines_ < 2) return;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!handler.should_stop() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  std::atomic<bool> interrupted{false};
  std::thread ctrl_c([&interrupted] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    interrupted = true;
  });
  std::vector<MergeInput> inputs;
  inputs.push_back(MergeInput{"live.log", std::make_unique<WaitingReader>(
                                              json_at("30.100", "l1") + json_at("30.200", "l2") +
                                              json_at("30.300", "never read"))});
  Seen seen;
  Observer observer;
  observer.stop = [&interrupted] { return interrupted.load(); };
  merge_records(std::move(inputs), seen, AssemblerOptions{}, observer);
  ctrl_c.join();
  CHECK(seen.order == std::vector<std::string>{"l1 @ live.log:1", "l2 @ live.log:2"});
}

}  // namespace pkgly_trail
