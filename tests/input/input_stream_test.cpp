// When a pipe is idle: only after ReadLimits::idle_after without a byte, never merely because
// the pipe is empty for a moment between two writes (as it is between most lines of
// `docker compose logs -f`).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "input/input_test_support.hpp"

namespace pkgly_trail {
namespace {

using namespace input_testing;
using namespace std::chrono_literals;

std::vector<std::string> numbered_pieces(int count) {
  std::vector<std::string> pieces;
  for (int i = 1; i <= count; ++i) pieces.push_back("line " + std::to_string(i) + "\n");
  return pieces;
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string text;
  for (const auto& piece : pieces) text += piece;
  return text;
}

}  // namespace

TEST_CASE("lines 1 ms apart through a pipe bring no on_idle", "[input][idle]") {
  const auto pieces = numbered_pieces(150);
  LineCollector lines;
  ReadLimits limits;
  limits.idle_after = 400ms;
  // Each line waits until the reader took the one before: the pipe is empty 150 times.
  const ReadOutcome outcome = read_through_pipe(pieces, lines, Pacing{true, 1ms}, limits);
  CHECK(outcome.ok);
  CHECK(lines.text == joined(pieces));
  CHECK(lines.idle_at.empty());
}

TEST_CASE("a pipe silent for longer than idle_after gets on_idle once per idle_after",
          "[input][idle]") {
  LineCollector lines;
  ReadLimits limits;
  limits.idle_after = 100ms;
  const auto start = std::chrono::steady_clock::now();
  const ReadOutcome outcome =
      read_through_pipe({"before\n", "after\n"}, lines, Pacing{true, 450ms}, limits);
  CHECK(outcome.ok);
  CHECK(lines.text == "before\nafter\n");
  // About four during the 450 ms of silence; none before 100 ms had passed.
  CHECK(lines.idle_at.size() >= 2);
  CHECK(lines.idle_at.size() <= 6);
  REQUIRE_FALSE(lines.idle_at.empty());
  CHECK(lines.idle_at.front() - start >= 100ms);
}

TEST_CASE("a regular file never gets on_idle", "[input][idle]") {
  ScratchDir dir;
  LineCollector lines;
  ReadLimits limits;
  limits.idle_after = 1ms;
  const ReadOutcome outcome = read_named(dir.write("plain.log", "a\nb\n"), lines, limits);
  CHECK(outcome.ok);
  CHECK(lines.text == "a\nb\n");
  CHECK(lines.idle_at.empty());
}

}  // namespace pkgly_trail

namespace pkgly_trail {
namespace {

// Asks to stop once it has `stop_after` lines, as the CLI does when its output is gone.
class StoppingCollector : public input_testing::LineCollector {
 public:
  explicit StoppingCollector(std::size_t stop_after) : stop_after_(stop_after) {}
  bool should_stop() const override { return lines >= stop_after_; }

 private:
  std::size_t stop_after_;
};

}  // namespace

TEST_CASE("a read stopped early delivers no line cut by the stop", "[input][stop]") {
  using namespace input_testing;
  ScratchDir dir;
  const std::string text = varied_lines(5 << 20, 7);
  for (const bool gzip : {false, true}) {
    INFO((gzip ? "gzip" : "plain"));
    StoppingCollector lines(1);
    const std::string path = dir.write("stop.log", gzip ? gzip_member(text, 1) : text);
    const ReadOutcome outcome = read_named(path, lines);
    CHECK(outcome.ok);
    CHECK(outcome.error.empty());
    REQUIRE(lines.lines >= 1);
    REQUIRE(lines.text.size() < text.size());
    // Every line delivered is whole: what came is the text up to a line end (a cut line
    // would come with a '\n' where the text goes on).
    CHECK(text.compare(0, lines.text.size(), lines.text) == 0);
  }
}

TEST_CASE("a pipe stopped while silent delivers no unfinished line", "[input][stop]") {
  using namespace input_testing;
  using namespace std::chrono_literals;
  StoppingCollector lines(1);
  ReadLimits limits;
  limits.idle_after = 50ms;
  const ReadOutcome outcome =
      read_through_pipe({"whole\npart", "ial\n"}, lines, Pacing{true, 200ms}, limits);
  CHECK(outcome.ok);
  CHECK(lines.text == "whole\n");
}

}  // namespace pkgly_trail
