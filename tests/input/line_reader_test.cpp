#include "pkgly_trail/input/line_reader.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "input/input_test_support.hpp"

namespace pkgly_trail {
namespace {

using namespace input_testing;
using Clock = std::chrono::steady_clock;

std::string numbered_lines(int count) {
  std::string text;
  for (int i = 1; i <= count; ++i) text += "line number " + std::to_string(i) + "\n";
  return text;
}

struct CollectedLine {
  std::string text;
  std::uint64_t number;
  bool truncated;
  Clock::time_point at;
};

class Collector : public LineHandler {
 public:
  void on_line(const InputLine& line) override {
    lines.push_back({std::string(line.text), line.number, line.truncated, Clock::now()});
  }
  void on_idle() override { idle_at.push_back(Clock::now()); }

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& line : lines) out.push_back(line.text);
    return out;
  }

  std::vector<CollectedLine> lines;
  std::vector<Clock::time_point> idle_at;
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a plain file is split into numbered lines", "[input]") {
  ScratchDir dir;
  Collector collector;
  const ReadOutcome outcome =
      read_named(dir.write("plain.log", "first\nsecond\n\nfourth\n"), collector);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(outcome.bytes_read == 21);
  CHECK(outcome.lines_truncated == 0);
  CHECK(collector.texts() == Lines{"first", "second", "", "fourth"});
  REQUIRE(collector.lines.size() == 4);
  CHECK(collector.lines[0].number == 1);
  CHECK(collector.lines[3].number == 4);
  CHECK_FALSE(collector.lines[3].truncated);
  CHECK(collector.idle_at.empty());  // a regular file never blocks
}

TEST_CASE("a last line without a newline is delivered", "[input]") {
  ScratchDir dir;
  Collector collector;
  CHECK(read_named(dir.write("tail.log", "one\nlast one"), collector).ok);
  CHECK(collector.texts() == Lines{"one", "last one"});
}

TEST_CASE("an empty file has no lines", "[input]") {
  ScratchDir dir;
  Collector collector;
  const ReadOutcome outcome = read_named(dir.write("empty.log", ""), collector);
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == 0);
  CHECK(collector.lines.empty());
}

TEST_CASE("CRLF line ends keep their CR for the envelope", "[input]") {
  ScratchDir dir;
  Collector collector;
  CHECK(read_named(dir.write("crlf.log", "a\r\nb\r\n\r\n"), collector).ok);
  CHECK(collector.texts() == Lines{"a\r", "b\r", "\r"});
}

TEST_CASE("lines crossing the 1 MiB read boundaries arrive whole", "[input]") {
  ScratchDir dir;
  const std::string text = numbered_lines(250000);  // about 4.7 MB
  Collector collector;
  const ReadOutcome outcome = read_named(dir.write("big.log", text), collector);
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == text.size());
  REQUIRE(collector.lines.size() == 250000);
  std::string joined;
  for (const auto& line : collector.lines) joined += line.text + "\n";
  CHECK(joined == text);
  CHECK(collector.lines.back().number == 250000);
}

TEST_CASE("a gzip file is decompressed - recognised by its magic bytes", "[input]") {
  ScratchDir dir;
  const std::string gzip = gzip_member("one\ntwo\nthree");
  Collector collector;
  // No .gz: the name must not matter.
  const ReadOutcome outcome = read_named(dir.write("rotated.log.1", gzip), collector);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(outcome.bytes_read == gzip.size());
  CHECK(collector.texts() == Lines{"one", "two", "three"});
}

TEST_CASE("a text file named .gz is read as text", "[input]") {
  ScratchDir dir;
  Collector collector;
  CHECK(read_named(dir.write("not-really.log.gz", "\x1f only one magic byte\n"), collector).ok);
  CHECK(collector.texts() == Lines{"\x1f only one magic byte"});
}

TEST_CASE("concatenated gzip members read as one stream - like zcat", "[input]") {
  ScratchDir dir;
  // As `gzip -c part >> file` makes them, one member a part.
  const std::string gzip =
      gzip_member("first\npart") + gzip_member("ial\nsecond\n") + gzip_member(numbered_lines(3));
  Collector collector;
  const ReadOutcome outcome = read_named(dir.write("members.log.gz", gzip), collector);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(collector.texts() ==
        Lines{"first", "partial", "second", "line number 1", "line number 2", "line number 3"});
}

TEST_CASE("a gzip file without its trailer still delivers every complete line", "[input]") {
  ScratchDir dir;
  const std::string gzip = gzip_member(numbered_lines(1000));
  // The size field is gone.
  const std::string path = dir.write("cut.log.gz", gzip.substr(0, gzip.size() - 4));
  Collector collector;
  const ReadOutcome outcome = read_named(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.error == path + ": truncated gzip stream");
  REQUIRE(collector.lines.size() == 1000);
  CHECK(collector.lines.back().text == "line number 1000");
}

TEST_CASE("a gzip file cut in the middle delivers the lines before the cut", "[input]") {
  ScratchDir dir;
  const std::string gzip = gzip_member(numbered_lines(100000));
  const std::string path = dir.write("half.log.gz", gzip.substr(0, gzip.size() / 2));
  Collector collector;
  const ReadOutcome outcome = read_named(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.error == path + ": truncated gzip stream");
  REQUIRE(collector.lines.size() > 1000);
  REQUIRE(collector.lines.size() < 100000);
  // Only complete lines: each one is exactly what was written, the cut-off one is not there.
  for (std::size_t i = 0; i < collector.lines.size(); ++i) {
    REQUIRE(collector.lines[i].text == "line number " + std::to_string(i + 1));
  }
}

TEST_CASE("a corrupt gzip stream is an error naming the file", "[input]") {
  ScratchDir dir;
  std::string gzip = gzip_member(numbered_lines(50000));
  for (std::size_t i = gzip.size() / 2; i < gzip.size() / 2 + 64; ++i) gzip[i] ^= 0x5a;
  const std::string path = dir.write("corrupt.log.gz", gzip);
  Collector collector;
  const ReadOutcome outcome = read_named(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK_THAT(outcome.error, Catch::StartsWith(path + ": corrupt gzip stream ("));
  REQUIRE(collector.lines.size() > 10000);
  REQUIRE(collector.lines.size() < 50000);
  // Damage is seen only where inflate trips over it (at worst at the CRC), so lines decoded
  // just before may be garbage; those well before the damaged bytes are intact.
  for (std::size_t i = 0; i < 10000; ++i) {
    REQUIRE(collector.lines[i].text == "line number " + std::to_string(i + 1));
  }
}

TEST_CASE("data after the end of a gzip stream is reported", "[input]") {
  ScratchDir dir;
  const std::string path = dir.write("garbage.log.gz", gzip_member("kept\n") + "not gzip\n");
  Collector collector;
  const ReadOutcome outcome = read_named(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.error == path + ": unexpected data after the end of the gzip stream");
  CHECK(collector.texts() == Lines{"kept"});
}

TEST_CASE("a missing file or a directory is an InputError naming it and why", "[input]") {
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("logs"));
  const std::pair<std::string, std::string> cases[] = {{"missing.log", "No such file or directory"},
                                                       {"logs", "Is a directory"}};
  for (const auto& [name, why] : cases) {
    const std::string path = dir.file(name);
    try {
      LineReader::open(path);
      FAIL("open did not throw for " + name);
    } catch (const InputError& error) {
      CHECK(std::string(error.what()) == "cannot open '" + path + "': " + why);
    }
  }
}

TEST_CASE("lines longer than max_line_bytes are cut and flagged", "[input]") {
  ScratchDir dir;
  Collector collector;
  const ReadOutcome outcome =
      read_named(dir.write("long.log", "abcdefgh\nxy\nabcd\nabcde"), collector, ReadLimits{4});
  CHECK(outcome.ok);
  CHECK(outcome.lines_truncated == 2);
  CHECK(collector.texts() == Lines{"abcd", "xy", "abcd", "abcd"});
  REQUIRE(collector.lines.size() == 4);
  CHECK(collector.lines[0].truncated);
  CHECK_FALSE(collector.lines[1].truncated);
  CHECK_FALSE(collector.lines[2].truncated);  // exactly the limit is not too long
  CHECK(collector.lines[3].truncated);
  CHECK(collector.lines[3].number == 4);
}

TEST_CASE("a line spanning many reads is cut and its rest skipped", "[input]") {
  ScratchDir dir;
  const std::size_t limit = 1536 * 1024;
  const std::string path =
      dir.write("huge.log", "before\n" + std::string(3 * 1024 * 1024, 'x') + "y\nafter\n");
  Collector collector;
  const ReadOutcome outcome = read_named(path, collector, ReadLimits{limit});
  CHECK(outcome.ok);
  CHECK(outcome.lines_truncated == 1);
  REQUIRE(collector.lines.size() == 3);
  CHECK(collector.lines[0].text == "before");
  CHECK(collector.lines[1].text == std::string(limit, 'x'));
  CHECK(collector.lines[1].truncated);
  CHECK(collector.lines[2].text == "after");
  CHECK(collector.lines[2].number == 3);
}

namespace {

// Feeds `pieces` into a pipe with a pause of 200 ms before each later piece, a silence:
// idle_after is 50 ms here. Returns when each piece was written.
std::vector<Clock::time_point> read_trickling_pipe(const std::vector<std::string>& pieces,
                                                   Collector& collector, ReadOutcome& outcome) {
  std::vector<Clock::time_point> written;
  ReadLimits limits;
  limits.idle_after = std::chrono::milliseconds(50);
  outcome = read_through_pipe(pieces, collector,
                              Pacing{false, std::chrono::milliseconds(200), &written}, limits);
  return written;
}

}  // namespace

TEST_CASE("a pipe silent for idle_after gets on_idle after the lines it already has", "[input]") {
  Collector collector;
  ReadOutcome outcome{};
  const auto written = read_trickling_pipe({"first\n", "second\n"}, collector, outcome);
  CHECK(outcome.ok);
  CHECK(collector.texts() == Lines{"first", "second"});
  REQUIRE(collector.lines.size() == 2);
  CHECK(collector.lines[0].at < written[1]);
  bool idle_between = false;
  for (const auto at : collector.idle_at) {
    idle_between = idle_between || (at > collector.lines[0].at && at < written[1]);
  }
  CHECK(idle_between);
}

TEST_CASE("gzip arriving through a pipe is decoded as it comes", "[input]") {
  const std::string first = gzip_member("early\n");
  const std::string second = gzip_member("late\n");
  Collector collector;
  ReadOutcome outcome{};
  // The magic alone first: sniffing must wait for the second byte.
  const auto written =
      read_trickling_pipe({first.substr(0, 1), first.substr(1), second}, collector, outcome);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(outcome.bytes_read == first.size() + second.size());
  CHECK(collector.texts() == Lines{"early", "late"});
  REQUIRE(collector.lines.size() == 2);
  CHECK(collector.lines[0].at < written[2]);
  CHECK(collector.idle_at.size() >= 2);
}

}  // namespace pkgly_trail
