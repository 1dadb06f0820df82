// gzip through the input stage at the sizes real rotated logs have: past the 1 MiB buffers of
// the reader and of the decompressor, in several members, through a pipe that hands the first
// byte alone. Every case compares the lines delivered with the original text byte for byte.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "input/input_test_support.hpp"

namespace pkgly_trail {
namespace {

using namespace input_testing;

constexpr std::size_t kMiB = 1 << 20;

}  // namespace

TEST_CASE("a gzip file over 1 MiB read by name decompresses byte for byte", "[input][gzip]") {
  ScratchDir dir;
  const std::string text = varied_lines(6 * kMiB, 1);
  const std::string gzip = gzip_member(text);
  REQUIRE(gzip.size() > 2 * kMiB);  // past the first read and the decompressor's buffer
  LineCollector lines;
  const ReadOutcome outcome = read_named(dir.write("big.log.gz", gzip), lines);
  CHECK(outcome.error.empty());
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == gzip.size());
  CHECK(lines.text == text);
}

TEST_CASE("a stored gzip member just over 1 MiB read by name decompresses byte for byte",
          "[input][gzip]") {
  ScratchDir dir;
  for (const std::size_t size : {kMiB - 100, kMiB + 1, kMiB + 4096, 2 * kMiB + 3}) {
    INFO("text of " << size << " bytes");
    std::string text = varied_lines(size, 2);
    text.resize(size - 1);
    text.push_back('\n');
    const std::string gzip = gzip_member(text, 0);
    LineCollector lines;
    const ReadOutcome outcome = read_named(dir.write("stored.gz", gzip), lines);
    CHECK(outcome.error.empty());
    CHECK(lines.text == text);
  }
}

TEST_CASE("a gzip stream over 1 MiB through a pipe decompresses byte for byte", "[input][gzip]") {
  const std::string text = varied_lines(5 * kMiB, 3);
  const std::string gzip = gzip_member(text, 1);
  REQUIRE(gzip.size() > 2 * kMiB);
  LineCollector lines;
  const ReadOutcome outcome = read_through_pipe({gzip}, lines, Pacing{false});
  CHECK(outcome.error.empty());
  CHECK(outcome.ok);
  CHECK(outcome.bytes_read == gzip.size());
  CHECK(lines.text == text);
}

TEST_CASE("a gzip pipe whose first read is 1 byte then a full 1 MiB decompresses whole",
          "[input][gzip]") {
  // The lone 0x1f, then more than the 1 MiB pipe buffer at once: the reader's second read is
  // a full pipe buffer, which once overflowed the decompressor's input buffer by one byte.
  const std::string text = varied_lines(3 * kMiB, 4);
  const std::string gzip = gzip_member(text, 0);
  LineCollector lines;
  const ReadOutcome outcome = read_through_pipe(cut_at(gzip, {1}), lines);
  CHECK(outcome.error.empty());
  CHECK(outcome.bytes_read == gzip.size());
  CHECK(lines.text == text);
}

TEST_CASE("a plain text pipe whose first read is 1 byte arrives whole", "[input]") {
  const std::string text = varied_lines(3 * kMiB, 5);
  LineCollector lines;
  const ReadOutcome outcome = read_through_pipe(cut_at(text, {1, 2, 100}), lines);
  CHECK(outcome.ok);
  CHECK(lines.text == text);
}

TEST_CASE("gzip members of random sizes (some past 1 MiB) read whole by name and by pipe",
          "[input][gzip]") {
  ScratchDir dir;
  std::mt19937_64 random(20251120);
  for (int round = 0; round < 3; ++round) {
    std::string text;
    std::string gzip;
    std::vector<std::size_t> member_starts;
    const int members = 2 + static_cast<int>(random() % 4);
    for (int m = 0; m < members; ++m) {
      // Mostly small members, one in three between 1 and 3 MiB; members may end mid-line.
      const std::size_t size =
          random() % 3 == 0 ? kMiB + random() % (2 * kMiB) : 1 + random() % 70000;
      std::string part = varied_lines(size, static_cast<unsigned>(random()));
      part.resize(size);
      text += part;
      member_starts.push_back(gzip.size());
      gzip += gzip_member(part, static_cast<int>(random() % 10));
    }
    INFO("round " << round << ": " << members << " members, " << gzip.size() << " bytes");
    {
      LineCollector lines;
      const ReadOutcome outcome = read_named(dir.write("members.gz", gzip), lines);
      CHECK(outcome.error.empty());
      CHECK(outcome.bytes_read == gzip.size());
      std::string expected = text;
      if (!expected.empty() && expected.back() != '\n') expected.push_back('\n');
      CHECK(lines.text == expected);
    }
    {
      // Through a pipe in pieces cut at random places, member boundaries and the first byte.
      std::vector<std::size_t> cuts{1};
      for (std::size_t start : member_starts)
        if (start > 1) cuts.push_back(start);
      for (int i = 0; i < 6; ++i) cuts.push_back(2 + random() % (gzip.size() - 2));
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      LineCollector lines;
      const ReadOutcome outcome = read_through_pipe(cut_at(gzip, cuts), lines);
      CHECK(outcome.error.empty());
      std::string expected = text;
      if (!expected.empty() && expected.back() != '\n') expected.push_back('\n');
      CHECK(lines.text == expected);
    }
  }
}

}  // namespace pkgly_trail
