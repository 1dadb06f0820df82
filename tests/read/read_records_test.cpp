// The read driver keeps the stage contract: the chain hears finish once whatever the mode, a
// chain that answers false stops the reading, and a missing input is a problem, not the end.
#include "pkgly_trail/read/read_records.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "input/input_test_support.hpp"
#include "support/collect.hpp"

namespace pkgly_trail {
namespace {

std::string json_lines(int count, std::string_view message) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += fmt::format(
        "{{\"timestamp\":\"2025-11-20T10:15:30.{:06}Z\",\"level\":\"INFO\",\"fields\":"
        "{{\"message\":\"{}\"}},\"target\":\"t\"}}\n",
        i, message);
  return text;
}

// Takes `wanted` records, then answers false: the output has gone.
struct GoneAfter final : RecordStage {
  explicit GoneAfter(std::uint64_t wanted) : wanted(wanted) {}
  bool on_record(Record&) override { return ++taken < wanted; }
  void finish() override { ++finished; }
  std::uint64_t wanted;
  std::uint64_t taken = 0;
  int finished = 0;
};

}  // namespace

TEST_CASE("read: the chain hears finish once and every record in every mode", "[read]") {
  input_testing::ScratchDir dir;
  const std::string a = dir.write("a.log", json_lines(300, "a"));
  const std::string b = dir.write("b.log", json_lines(200, "b"));
  struct Mode {
    const char* name;
    ReadMode mode;
    bool parse_ahead;
    std::vector<std::string> inputs;
  };
  for (const Mode& m : {Mode{"one after another", ReadMode::OneAfterAnother, false, {a, b}},
                        Mode{"merge", ReadMode::Merge, false, {a, b}},
                        Mode{"parse ahead", ReadMode::OneAfterAnother, true, {a}}}) {
    INFO(m.name);
    ReadPlan plan;
    plan.inputs = m.inputs;
    plan.mode = m.mode;
    plan.parse_ahead = m.parse_ahead;
    testing::CollectRecords chain;
    testing::KeepProblems observer;
    const ReadSummary read = read_records(plan, chain, observer);
    CHECK(chain.finished == 1);
    CHECK(observer.ends == 1);
    CHECK(chain.records.size() == (m.inputs.size() == 2 ? 500u : 300u));
    CHECK(read.stats.records == chain.records.size());
    CHECK(observer.problems.empty());
    CHECK_FALSE(read.input_trouble);
  }
}

TEST_CASE("read: a chain that answers false stops the reading", "[read][stop]") {
  input_testing::ScratchDir dir;
  // About 10 MB: the assembler hands records on after its 512 KiB doubt window, so a stop
  // after the first records leaves most of the input unread.
  const int lines = 100000;
  const std::string log = dir.write("big.log", json_lines(lines, "m"));
  for (const bool merge : {false, true}) {
    INFO((merge ? "merged" : "one after another"));
    ReadPlan plan;
    plan.inputs = merge ? std::vector<std::string>{log, log} : std::vector<std::string>{log};
    plan.mode = merge ? ReadMode::Merge : ReadMode::OneAfterAnother;
    GoneAfter chain(10);
    testing::KeepProblems observer;
    const ReadSummary read = read_records(plan, chain, observer);
    CHECK(chain.finished == 1);
    CHECK(read.stats.lines < static_cast<std::uint64_t>(lines) * plan.inputs.size() / 2);
  }
}

TEST_CASE("read: a missing input is a problem and the others are still read", "[read][errors]") {
  input_testing::ScratchDir dir;
  const std::string good = dir.write("good.log", json_lines(5, "g"));
  const std::string missing = dir.file("missing.log");
  for (const ReadMode mode : {ReadMode::OneAfterAnother, ReadMode::Merge}) {
    ReadPlan plan;
    plan.inputs = {missing, good};
    plan.mode = mode;
    testing::CollectRecords chain;
    testing::KeepProblems observer;
    const ReadSummary read = read_records(plan, chain, observer);
    CHECK(read.input_trouble);
    REQUIRE(observer.problems.size() == 1);
    // The library says what and where, without the program's name (cli/report_error adds it).
    CHECK(observer.problems[0] == "cannot open '" + missing + "': No such file or directory");
    CHECK(chain.records.size() == 5);
    CHECK(chain.finished == 1);
  }
}

}  // namespace pkgly_trail
