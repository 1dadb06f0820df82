// `join -f` follows a log file across a rotation by a writer process and prints each event as
// its lines arrive; Ctrl-C ends it.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/live_trail.hpp"
#include "support/process.hpp"
#include "support/text_lines.hpp"

namespace pkgly_trail {

TEST_CASE("join follows a file through a rotation", "[cli][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-cli-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  auto lines = testing::read_lines(testing::fixture_path("json-plain-zero.log"));
  // Split the sample in two halves at a line boundary; the second goes to the new file.
  const std::size_t half = lines.size() / 2;
  auto write = [&](const std::string& path, std::size_t from, std::size_t to) {
    testing::append_lines(path, lines, from, to);
  };
  write(log, 0, half);

  testing::LiveTrail trail({"join", "-f", "-o", "csv", "--fields", "timestamp", log},
                           testing::LiveSetup().no_input());
  // Renamed once the follower has it open (a fixed sleep lost that race on a loaded machine,
  // and the follower then read the new file only).
  REQUIRE(trail.wait_until_open(log, std::chrono::seconds(20)));
  std::rename(log.c_str(), (log + ".1").c_str());
  write(log, half, lines.size());

  // 116 audit events in the sample, plus the header line.
  const std::string& out = trail.read_until(
      [](const std::string& got) { return std::count(got.begin(), got.end(), '\n') >= 117; },
      std::chrono::seconds(10));
  trail.signal(SIGINT);
  const int status = trail.wait();
  CHECK(std::count(out.begin(), out.end(), '\n') == 117);
  CHECK(status == 130);  // exited (Ctrl-C handled), not killed
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow needs file names", "[cli][follow]") {
  CHECK(testing::run_trail("audit -f").status == 2);
  CHECK(testing::run_trail("audit -f -").status == 2);
}

}  // namespace pkgly_trail
