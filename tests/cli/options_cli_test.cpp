// End to end: option values that used to be taken quietly (a size that wraps to 0, a window of
// nan) are refused with a message, and documents written to stdout report a write error.
#include <catch2/catch.hpp>
#include <string>

#include "support/process.hpp"

namespace pkgly_trail {

namespace {

const std::string kLog = testing::fixture_arg("full-ansi-compose.log");

// Runs `pkgly-trail ARGS > /dev/full`; returns the exit code and what went to stderr.
testing::RunResult run_to_full_disk(const std::string& args) {
  char dir_template[] = "/tmp/pkgly-trail-test-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string command = testing::shell_quote(PKGLY_TRAIL_BINARY) + " " + args +
                              " </dev/null >/dev/full 2>" + dir + "/err";
  const int raw = std::system(command.c_str());
  testing::RunResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.err = testing::read_file(dir + "/err");
  std::system(("rm -rf " + dir).c_str());
  return result;
}

}  // namespace

TEST_CASE("join --max-memory past the size limit is refused - naming the limit", "[cli][options]") {
  for (const std::string size :
       {"17179869184G", "18446744073709551616", "99999999999999999999K", "17592186044416M"}) {
    INFO(size);
    const auto run = testing::run_trail("join --max-memory " + size + " " + kLog);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("--max-memory '" + size + "'") != std::string::npos);
    CHECK(run.err.find("18446744073709551615 bytes") != std::string::npos);
  }
  CHECK(testing::run_trail("join --max-memory 12X " + kLog).status == 2);
  // The largest sizes that fit are taken.
  CHECK(testing::run_trail("join --max-memory 17179869183G " + kLog).status == 0);
  CHECK(testing::run_trail("join --max-memory 18446744073709551615 " + kLog).status == 0);
}

TEST_CASE("join --window refuses non-finite - out-of-range and fractional record counts",
          "[cli][options]") {
  for (const std::string window : {"nan", "inf", "-inf", "1e20", "1e20s", "nan,120s", "20000,infs",
                                   "1e300h", "1e400", "2.5", "-1", "120x", ","}) {
    INFO(window);
    const auto run = testing::run_trail("join --window '" + window + "' " + kLog);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("invalid --window '" + window + "'") != std::string::npos);
  }
  const auto range = testing::run_trail("join --window 1e20 " + kLog);
  CHECK(range.err.find("out of range") != std::string::npos);
  for (const std::string window : {"20000,120s", "1e6", "0.5m", "9007199254740992", "2h"}) {
    INFO(window);
    CHECK(testing::run_trail("join --window " + window + " " + kLog).status == 0);
  }
}

TEST_CASE("help - version - completions and man exit 2 when stdout cannot be written",
          "[cli][options]") {
  for (const std::string args : {"--help", "join --help", "--version", "completions bash", "man"}) {
    INFO(args);
    // Written to a file they succeed...
    const auto fine = testing::run_trail(args);
    CHECK(fine.status == 0);
    CHECK(!fine.out.empty());
    // ...and to a full disk they fail loudly.
    const auto full = run_to_full_disk(args);
    CHECK(full.status == 2);
    CHECK(full.err.find("No space left on device") != std::string::npos);
  }
}

}  // namespace pkgly_trail
