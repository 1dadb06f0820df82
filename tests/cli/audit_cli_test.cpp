// End to end: the binary on the sample logs, exit codes, inputs, streaming.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/live_trail.hpp"
#include "support/process.hpp"
#include "support/truth_audit.hpp"
#include "support/truth_run.hpp"

namespace pkgly_trail {
using testing::fixture_arg;
using testing::run_trail;

TEST_CASE("audit -o json yields exactly the ground-truth events of every sample", "[cli][truth]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      const bool compact = name.find("compact") != std::string::npos;
      testing::check_against_truth(
          "audit -o json", name, [&](simdjson::dom::object got, simdjson::dom::object want) {
            testing::check_audit_json(got, want, compact);
            CHECK(std::string_view(got["source"]["input"]) == testing::fixture_path(name + ".log"));
          });
    }
  }
}

TEST_CASE("exit status follows grep: 0 found - 1 nothing - 2 trouble", "[cli]") {
  const std::string log = fixture_arg("full-ansi-compose.log");
  CHECK(run_trail("audit " + log).status == 0);
  CHECK(run_trail("audit --actor nobody-at-all " + log).status == 1);
  auto missing = run_trail("audit /nonexistent/pkgly.log " + log);
  CHECK(missing.status == 2);
  CHECK(missing.err.find("/nonexistent/pkgly.log") != std::string::npos);
  CHECK(!missing.out.empty());  // the other file was still read
  auto bad_regex = run_trail("audit --match 'query~(unclosed' " + log);
  CHECK(bad_regex.status == 2);
  CHECK(bad_regex.err.find("--match") != std::string::npos);
  CHECK(run_trail("audit --since yesterday-ish " + log).status == 2);
  CHECK(run_trail("frobnicate").status == 2);
  CHECK(run_trail("--help").status == 0);
}

TEST_CASE("stdin is read when no file or - is given", "[cli]") {
  std::string log = testing::read_file(testing::fixture_path("json-plain-zero.log"));
  auto implicit = run_trail("audit -o json", log);
  auto dash = run_trail("audit -o json -", log);
  CHECK(implicit.status == 0);
  CHECK(implicit.out == dash.out);
  std::string expected = run_trail("audit -o json " + fixture_arg("json-plain-zero.log")).out;
  // Only source.input differs ("-" instead of the path).
  CHECK(std::count(implicit.out.begin(), implicit.out.end(), '\n') ==
        std::count(expected.begin(), expected.end(), '\n'));
  CHECK(implicit.out.find("\"source\":{\"input\":\"-\"") != std::string::npos);
}

TEST_CASE("gzip input is recognised by its content", "[cli][input]") {
  char dir_template[] = "/tmp/pkgly-trail-gz-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string plain = testing::fixture_path("pretty-noansi.log");
  REQUIRE(std::system(
              ("gzip -c " + testing::shell_quote(plain) + " > " + dir + "/rotated.1").c_str()) ==
          0);
  auto gz = run_trail("audit -o json " + dir + "/rotated.1");
  auto raw = run_trail("audit -o json " + testing::shell_quote(plain));
  CHECK(gz.status == 0);
  auto count = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  CHECK(count(gz.out) == count(raw.out));
  CHECK(count(gz.out) == 121);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("the service option keeps one compose service and counts the other lines",
          "[cli][envelope]") {
  const std::string log = fixture_arg("compose-ts-interleaved-postgres.log");
  auto kept = run_trail("records --service pkgly --stats -o json " + log);
  auto other = run_trail("records --service postgres --stats " + log);
  CHECK(kept.status == 0);
  CHECK(other.status == 1);
  CHECK(kept.err.find("other services    6") != std::string::npos);
  CHECK(kept.err.find("non-tracing       0") != std::string::npos);
}

TEST_CASE("a closed pipe ends quietly - a full disk is an error", "[cli][sink]") {
  const std::string log = fixture_arg("adversarial-full-ansi.log");
  char dir_template[] = "/tmp/pkgly-trail-pipe-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string command =
      "bash -c " +
      testing::shell_quote("set -o pipefail; " + testing::shell_quote(PKGLY_TRAIL_BINARY) +
                           " records " + log + " 2>" + dir + "/err | head -1 >/dev/null");
  int status = std::system(command.c_str());
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(testing::read_file(dir + "/err").empty());
  std::system(("rm -rf " + dir).c_str());

  int full = std::system(
      (testing::shell_quote(PKGLY_TRAIL_BINARY) + " audit " + log + " >/dev/full 2>/dev/null")
          .c_str());
  CHECK(WEXITSTATUS(full) == 2);
}

TEST_CASE("a trickling pipe shows each event as soon as its line arrives", "[cli][input]") {
  // Feed one audit line, then wait: the event must be printed before the next line is sent.
  auto lines = testing::read_lines(testing::fixture_path("json-plain-zero.log"));
  std::vector<std::string> audit_lines;
  for (const auto& line : lines)
    if (line.find("\"target\":\"pkgly::audit\"") != std::string::npos) audit_lines.push_back(line);
  REQUIRE(audit_lines.size() >= 2);

  testing::LiveTrail trail({"audit", "-o", "json"});
  for (int i = 0; i < 2; ++i) {
    trail.send(audit_lines[static_cast<std::size_t>(i)] + "\n");
    const std::string out = trail.take_line(std::chrono::seconds(3));
    CHECK(out.find("\"target\":\"pkgly::audit\"") != std::string::npos);
  }
  trail.close_input();
  CHECK(trail.wait() == 0);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("repeatable options take one value each - so files after them stay files", "[cli]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  auto alice = testing::run_trail("audit -o csv --fields actor_username --actor alice " + log);
  REQUIRE(alice.status == 0);
  std::istringstream in(alice.out);
  std::string line;
  std::getline(in, line);
  CHECK(line == "actor_username");
  int rows = 0;
  while (std::getline(in, line)) {
    CHECK(line == "alice");
    ++rows;
  }
  CHECK(rows > 3);
  auto both =
      testing::run_trail("audit -o csv --fields actor_username --actor alice --actor bob " + log);
  CHECK(std::count(both.out.begin(), both.out.end(), '\n') >
        std::count(alice.out.begin(), alice.out.end(), '\n'));
}

TEST_CASE("filters select audit events end to end", "[cli][filter]") {
  const std::string log = testing::fixture_arg("json-compose-real.log");
  auto count = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  auto all = testing::run_trail("audit -o json " + log);
  auto denied = testing::run_trail("audit -o json --outcome denied " + log);
  auto success = testing::run_trail("audit -o json --outcome success " + log);
  CHECK(count(denied.out) + count(success.out) == count(all.out));
  CHECK(count(denied.out) > 0);
  auto downloads = testing::run_trail("audit -o csv --fields action --action 'package.*' " + log);
  CHECK(downloads.status == 0);
  // The actions of the truth file that the glob matches, in order, under the header.
  std::string expected = "action\n";
  simdjson::dom::parser parser;
  for (const std::string& line :
       testing::read_lines(testing::fixture_path("json-compose-real.truth.ndjson"))) {
    const std::string_view action = parser.parse(line)["action"];
    if (action.starts_with("package.")) expected += std::string(action) + "\n";
  }
  CHECK(expected.size() > 100);
  CHECK(downloads.out == expected);
  auto span_field = testing::run_trail("records -o json --where http.route=/api/user/me " + log);
  CHECK(span_field.status == 0);
  CHECK(span_field.out.find("\"target\":\"pkgly::access\"") != std::string::npos);
  auto level = testing::run_trail("records --level error -o csv --fields level " + log);
  CHECK(level.out.find("INFO") == std::string::npos);
  CHECK(level.out.find("ERROR") != std::string::npos);
  auto since = testing::run_trail("audit --since 2030-01-01 " + log);
  CHECK(since.status == 1);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("unparsed lines warn once and fail the run only with strict", "[cli]") {
  std::string input =
      "2025-11-20T10:15:30.1Z  INFO pkgly::app::site: fine\n"
      "2025-11-20T10:15:30.2Z  INFO no target here\n"
      "{\"timestamp\":\"2025-11-20T10:15:30.3Z\",\"level\":\"INFO\",\"truncated\n";
  auto relaxed = testing::run_trail("records", input);
  CHECK(relaxed.status == 0);
  CHECK(relaxed.err.find("2 line(s) looked like records but could not be parsed (first at -:2: no "
                         "`target:` (after any spans) where tracing writes it)") !=
        std::string::npos);
  auto strict = testing::run_trail("records --strict", input);
  CHECK(strict.status == 2);
}

TEST_CASE("colours only when asked or on a terminal and never with NO_COLOR", "[cli][sink]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  auto always = testing::run_trail("audit --color always " + log);
  CHECK(always.out.find('\x1b') != std::string::npos);
  auto never = testing::run_trail("audit --color never " + log);
  CHECK(never.out.find('\x1b') == std::string::npos);
  auto piped = testing::run_trail("audit " + log);  // stdout is a file: auto means off
  CHECK(piped.out.find('\x1b') == std::string::npos);
  // script(1) gives the program a terminal; NO_COLOR must still turn colours off.
  std::string bin = testing::shell_quote(PKGLY_TRAIL_BINARY);
  std::string tty =
      "script -qec " + testing::shell_quote(bin + " audit --no-pager " + log) + " /dev/null";
  const std::string has_escape = " | grep -q \"$(printf '\\033')\"";
  int with_color = std::system((tty + has_escape).c_str());
  int without = std::system(("NO_COLOR=1 " + tty + has_escape).c_str());
  CHECK(WEXITSTATUS(with_color) == 0);
  CHECK(WEXITSTATUS(without) != 0);
}

}  // namespace pkgly_trail
