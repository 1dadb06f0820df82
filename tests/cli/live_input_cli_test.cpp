// The input stage seen from the command line: a live pipe that trickles a log gives the same
// output as the same bytes in a file, a gzip log past 1 MiB reads like its text, and an output
// that goes away (`| head -1`) stops the reading without a word about unparsed lines.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "input/input_test_support.hpp"
#include "support/live_trail.hpp"
#include "support/process.hpp"

namespace pkgly_trail {
namespace {

using namespace std::chrono_literals;

// How a writer hands a log to the pipe: pieces and the pause after each.
struct Trickle {
  const char* name;
  std::vector<std::string> pieces;
  std::chrono::microseconds pause{0};
  std::size_t burst = 1;  // pieces written back to back before a pause
};

// Whole lines, `per_write` at a time.
Trickle whole_lines(const std::string& log, std::size_t per_write,
                    std::chrono::microseconds pause) {
  Trickle trickle{"whole lines", {}, pause};
  std::size_t from = 0;
  std::size_t lines = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i] == '\n' && ++lines % per_write == 0) {
      trickle.pieces.push_back(log.substr(from, i + 1 - from));
      from = i + 1;
    }
  }
  if (from < log.size()) trickle.pieces.push_back(log.substr(from));
  return trickle;
}

// Writes cut at random bytes, lines split anywhere.
Trickle split_anywhere(const std::string& log, std::size_t writes, std::chrono::microseconds pause,
                       std::size_t burst, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i + 1 < writes; ++i) cuts.push_back(1 + random() % (log.size() - 1));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return {burst > 1 ? "bursts" : "split mid-line", input_testing::cut_at(log, cuts), pause, burst};
}

// Runs `pkgly-trail ARGS...` with a pipe on stdin that a thread feeds as `trickle` says;
// returns stdout.
std::string run_live(const std::vector<std::string>& args, const Trickle& trickle) {
  input_testing::ScratchDir dir;
  const std::string out_path = dir.file("out");
  testing::LiveTrail trail(args, testing::LiveSetup().out_to(out_path));
  for (std::size_t i = 0; i < trickle.pieces.size(); ++i) {
    trail.send(trickle.pieces[i]);
    if ((i + 1) % trickle.burst == 0) std::this_thread::sleep_for(trickle.pause);
  }
  trail.close_input();
  CHECK(trail.wait() >= 0);  // exited, not killed
  return testing::read_file(out_path);
}

// The first `lines` lines of a fixture: enough records, and a trickle that stays short.
std::string fixture_head(const std::string& name, std::size_t lines) {
  const std::string log = testing::read_file(testing::fixture_path(name));
  std::size_t end = 0;
  for (std::size_t i = 0; i < lines && end != std::string::npos; ++i)
    end = log.find('\n', end == 0 ? 0 : end + 1);
  return end == std::string::npos ? log : log.substr(0, end + 1);
}

}  // namespace

TEST_CASE("a log trickled through a pipe gives the output of the same bytes in a file",
          "[cli][live]") {
  input_testing::ScratchDir dir;
  // pretty records span several lines (a write boundary inside one split it when every empty
  // pipe counted as idle); json and full records are one line each.
  const std::vector<std::pair<std::string, std::size_t>> fixtures{
      {"pretty-noansi.log", 1200}, {"json-plain-zero.log", 400}, {"full-plain-compose.log", 400}};
  for (const auto& [fixture, lines] : fixtures) {
    const std::string log = fixture_head(fixture, lines);
    const std::string path = dir.write("log", log);
    const std::vector<Trickle> trickles{
        whole_lines(log, 3, 1ms),
        split_anywhere(log, 150, 1ms, 1, 11),
        split_anywhere(log, 300, 20ms, 25, 12),
    };
    for (const std::string command : {"join", "audit"}) {
      // The same bytes as a file on stdin: the file run reads them at once, never idle.
      const testing::RunResult file_run = testing::run_trail(command + " -o json", log);
      REQUIRE(file_run.status == 0);
      REQUIRE(file_run.out.size() > 1000);
      for (const Trickle& trickle : trickles) {
        // audit reads one way only; once is enough for it.
        if (std::string(command) == "audit" && trickle.pieces.size() != 150) continue;
        INFO(fixture << ", " << command << ", " << trickle.name << " (" << trickle.pieces.size()
                     << " writes)");
        CHECK(run_live({command, "-o", "json"}, trickle) == file_run.out);
      }
    }
  }
}

TEST_CASE("a gzip log over 1 MiB gives the output of its text by name and on stdin",
          "[cli][gzip]") {
  input_testing::ScratchDir dir;
  const std::string log = testing::repeat_log(
      testing::read_file(testing::fixture_path("full-plain-compose.log")), 3 * (1 << 20));
  // `gzip -1` of this repetitive text is small; stored (`-0`) it is past 1 MiB, as a real
  // rotated log is compressed.
  const std::string gzip = input_testing::gzip_member(log, 0);
  REQUIRE(gzip.size() > (1 << 20));
  const std::string text_path = dir.write("pkgly.log", log);
  const std::string gzip_path = dir.write("pkgly.log.1.gz", gzip);
  // A report's scope names each input by its bytes as stored (and says when it was made): the
  // counts after it must be the same.
  auto counts = [](const std::string& out) {
    const std::size_t totals = out.find("\n\"totals\":");
    return totals == std::string::npos ? out : out.substr(totals);
  };
  for (const std::string command : {"audit -o json", "join -o json", "report -o json"}) {
    INFO(command);
    const testing::RunResult text_by_name = testing::run_trail(command + " " + text_path);
    const testing::RunResult text_on_stdin = testing::run_trail(command + " -", log);
    const testing::RunResult by_name = testing::run_trail(command + " " + gzip_path);
    const testing::RunResult on_stdin = testing::run_trail(command + " -", gzip);  // - < x.gz
    REQUIRE(text_by_name.status == 0);
    REQUIRE(text_by_name.out.size() > 1000);
    CHECK(by_name.err == "");
    CHECK(by_name.status == 0);
    CHECK(on_stdin.err == "");
    CHECK(on_stdin.status == 0);
    CHECK(counts(on_stdin.out) == counts(text_on_stdin.out));
    // The records' source names the input they came from; apart from that, the same output.
    std::string renamed = by_name.out;
    const std::string from = "\"" + gzip_path + "\"";
    const std::string to = "\"" + text_path + "\"";
    for (std::size_t at = renamed.find(from); at != std::string::npos; at = renamed.find(from, at))
      renamed.replace(at, from.size(), to);
    CHECK(counts(renamed) == counts(text_by_name.out));
  }
  // An HTML report is written whole (it was left empty, without a message, by the crash).
  const testing::RunResult report = testing::run_trail("report -o html " + gzip_path);
  CHECK(report.status == 0);
  CHECK(report.err == "");
  CHECK(report.out.find("</html>") != std::string::npos);
}

TEST_CASE("output gone after the first event stops reading and reports nothing unparsed",
          "[cli][stop]") {
  input_testing::ScratchDir dir;
  const std::string log = testing::repeat_log(
      testing::read_file(testing::fixture_path("full-plain-compose.log")), 8 * (1 << 20));
  const std::string path = dir.write("pkgly.log", log);
  const std::string gzip_path = dir.write("pkgly.log.gz", input_testing::gzip_member(log, 1));
  for (const std::string& input : {path, gzip_path}) {
    for (const std::string command : {"join", "audit"}) {
      INFO(command << " " << input);
      const std::string script = testing::shell_quote(PKGLY_TRAIL_BINARY) + " " + command +
                                 " --strict -o json " + testing::shell_quote(input) + " 2>" +
                                 dir.file("err") + " | head -1 >" + dir.file("out") +
                                 "; echo ${PIPESTATUS[0]} >" + dir.file("status");
      REQUIRE(std::system(("bash -c " + testing::shell_quote(script)).c_str()) == 0);
      CHECK(testing::read_file(dir.file("err")) == "");
      const std::string out = testing::read_file(dir.file("out"));
      CHECK(std::count(out.begin(), out.end(), '\n') == 1);
      CHECK(testing::read_file(dir.file("status")) == "0\n");
    }
  }
}

}  // namespace pkgly_trail
