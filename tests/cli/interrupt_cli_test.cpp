// A live `join` never holds an event back: a silent pipe still prints it within about a
// second, and Ctrl-C prints what is pending before exiting.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "support/live_trail.hpp"
#include "support/process.hpp"

namespace pkgly_trail {
namespace {

// An audit line whose access record never comes.
std::string lonely_audit_line() {
  for (const auto& line : testing::read_lines(testing::fixture_path("json-plain-zero.log")))
    if (line.find("\"target\":\"pkgly::audit\"") != std::string::npos) return line + "\n";
  return {};
}

}  // namespace

TEST_CASE("a live join prints an event without access record once the pipe is quiet",
          "[cli][correlate][live]") {
  testing::LiveTrail join({"join", "-o", "json"});
  join.send(lonely_audit_line());
  const std::string out = join.take_line(std::chrono::seconds(4));
  CHECK(out.find("\"access\":null") != std::string::npos);
  join.close_input();
  CHECK(join.wait() == 0);
}

TEST_CASE("ctrl-c prints what the join holds and exits 130", "[cli][correlate][live]") {
  testing::LiveTrail join({"join", "-o", "json"});
  // The event waits for its access record when the interrupt comes.
  join.send(lonely_audit_line());
  // Once the child handles Ctrl-C and has read the line (a signal before the read ends the
  // input before the line: nothing to print).
  REQUIRE(join.wait_until_ready_for(SIGINT, std::chrono::seconds(20)));
  join.signal(SIGINT);
  const std::string out = join.take_line(std::chrono::seconds(3));
  CHECK(out.find("\"target\":\"pkgly::audit\"") != std::string::npos);
  join.close_input();
  CHECK(join.wait() == 130);
}

}  // namespace pkgly_trail
