#include "pkgly_trail/input/line_reader.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace pkgly_trail {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pkgly-trail-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each call adds one gzip member, as `gzip -c part >> file` does.
void append_gzip_member(const std::string& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "ab");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

std::string gzip_bytes(const TempDir& dir, const std::string& text) {
  const std::string path = dir.file("member.gz");
  fs::remove(path);
  append_gzip_member(path, text);
  return read_file(path);
}

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

struct ReadOutcome {
  bool ok;
  std::string error;
  std::uint64_t bytes_read;
  std::uint64_t lines_truncated;
};

ReadOutcome read_all(const std::string& path, Collector& collector, ReadLimits limits = {}) {
  const auto reader = LineReader::open(path, limits);
  REQUIRE(reader->name() == path);
  const bool ok = reader->read_lines(collector);
  return {ok, reader->error(), reader->bytes_read(), reader->lines_truncated()};
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a plain file is split into numbered lines", "[input]") {
  TempDir dir;
  const std::string path = dir.file("plain.log");
  write_file(path, "first\nsecond\n\nfourth\n");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
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
  TempDir dir;
  const std::string path = dir.file("tail.log");
  write_file(path, "one\nlast one");
  Collector collector;
  CHECK(read_all(path, collector).ok);
  CHECK(collector.texts() == Lines{"one", "last one"});
}

TEST_CASE("an empty file has no lines", "[input]") {
  TempDir dir;
  const std::string path = dir.file("empty.log");
  write_file(path, "");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == 0);
  CHECK(collector.lines.empty());
}

TEST_CASE("CRLF line ends keep their CR for the envelope", "[input]") {
  TempDir dir;
  const std::string path = dir.file("crlf.log");
  write_file(path, "a\r\nb\r\n\r\n");
  Collector collector;
  CHECK(read_all(path, collector).ok);
  CHECK(collector.texts() == Lines{"a\r", "b\r", "\r"});
}

TEST_CASE("lines crossing the 1 MiB read boundaries arrive whole", "[input]") {
  TempDir dir;
  const std::string path = dir.file("big.log");
  const std::string text = numbered_lines(250000);  // about 4.7 MB
  write_file(path, text);
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == text.size());
  REQUIRE(collector.lines.size() == 250000);
  std::string joined;
  for (const auto& line : collector.lines) joined += line.text + "\n";
  CHECK(joined == text);
  CHECK(collector.lines.back().number == 250000);
}

TEST_CASE("a gzip file is decompressed - recognised by its magic bytes", "[input]") {
  TempDir dir;
  const std::string path = dir.file("rotated.log.1");  // no .gz: the name must not matter
  append_gzip_member(path, "one\ntwo\nthree");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(outcome.bytes_read == fs::file_size(path));
  CHECK(collector.texts() == Lines{"one", "two", "three"});
}

TEST_CASE("a text file named .gz is read as text", "[input]") {
  TempDir dir;
  const std::string path = dir.file("not-really.log.gz");
  write_file(path, "\x1f only one magic byte\n");
  Collector collector;
  CHECK(read_all(path, collector).ok);
  CHECK(collector.texts() == Lines{"\x1f only one magic byte"});
}

TEST_CASE("concatenated gzip members read as one stream - like zcat", "[input]") {
  TempDir dir;
  const std::string path = dir.file("members.log.gz");
  append_gzip_member(path, "first\npart");
  append_gzip_member(path, "ial\nsecond\n");
  append_gzip_member(path, numbered_lines(3));
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK(outcome.ok);
  CHECK(outcome.error.empty());
  CHECK(collector.texts() ==
        Lines{"first", "partial", "second", "line number 1", "line number 2", "line number 3"});
}

TEST_CASE("a gzip file without its trailer still delivers every complete line", "[input]") {
  TempDir dir;
  const std::string path = dir.file("cut.log.gz");
  append_gzip_member(path, numbered_lines(1000));
  const std::string bytes = read_file(path);
  write_file(path, bytes.substr(0, bytes.size() - 4));  // the size field is gone
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.error == path + ": truncated gzip stream");
  REQUIRE(collector.lines.size() == 1000);
  CHECK(collector.lines.back().text == "line number 1000");
}

TEST_CASE("a gzip file cut in the middle delivers the lines before the cut", "[input]") {
  TempDir dir;
  const std::string path = dir.file("half.log.gz");
  append_gzip_member(path, numbered_lines(100000));
  const std::string bytes = read_file(path);
  write_file(path, bytes.substr(0, bytes.size() / 2));
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
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
  TempDir dir;
  const std::string path = dir.file("corrupt.log.gz");
  append_gzip_member(path, numbered_lines(50000));
  std::string bytes = read_file(path);
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
  write_file(path, bytes);
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
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
  TempDir dir;
  const std::string path = dir.file("garbage.log.gz");
  write_file(path, gzip_bytes(dir, "kept\n") + "not gzip\n");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.error == path + ": unexpected data after the end of the gzip stream");
  CHECK(collector.texts() == Lines{"kept"});
}

TEST_CASE("a missing file or a directory is an InputError naming it and why", "[input]") {
  TempDir dir;
  fs::create_directory(dir.file("logs"));
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
  TempDir dir;
  const std::string path = dir.file("long.log");
  write_file(path, "abcdefgh\nxy\nabcd\nabcde");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector, ReadLimits{4});
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
  TempDir dir;
  const std::string path = dir.file("huge.log");
  const std::size_t limit = 1536 * 1024;
  write_file(path, "before\n" + std::string(3 * 1024 * 1024, 'x') + "y\nafter\n");
  Collector collector;
  const ReadOutcome outcome = read_all(path, collector, ReadLimits{limit});
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

// Feeds `pieces` into a pipe with a pause before each later piece, and reads it through
// /dev/fd so the reader sees a real pipe. Returns when each piece was written.
// A pause of 200 ms is a silence: idle_after is 50 ms here.
std::vector<Clock::time_point> read_trickling_pipe(const std::vector<std::string>& pieces,
                                                   Collector& collector, ReadOutcome& outcome) {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  std::vector<Clock::time_point> written(pieces.size());
  std::thread writer([&] {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      written[i] = Clock::now();
      const ssize_t put = ::write(ends[1], pieces[i].data(), pieces[i].size());
      if (put != static_cast<ssize_t>(pieces[i].size())) std::abort();
    }
    ::close(ends[1]);
  });
  try {
    ReadLimits limits;
    limits.idle_after = std::chrono::milliseconds(50);
    outcome = read_all("/dev/fd/" + std::to_string(ends[0]), collector, limits);
  } catch (...) {
    writer.join();
    ::close(ends[0]);
    throw;
  }
  writer.join();
  ::close(ends[0]);
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
  TempDir dir;
  const std::string first = gzip_bytes(dir, "early\n");
  const std::string second = gzip_bytes(dir, "late\n");
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
