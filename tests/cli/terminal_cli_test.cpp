// End to end: a person at a terminal. script(1) gives pkgly-trail a terminal for stdout; the
// pager, the width, and the times in text output are checked through it.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {

using testing::lines_of;

namespace {

// Runs `pkgly-trail ARGS` with stdout on a terminal COLUMNS wide; returns what the terminal
// showed, with the terminal's \r\n turned back into \n.
std::string on_terminal(const std::string& args, int columns = 80, const std::string& env = "",
                        const std::string& stdin_file = "/dev/null") {
  const std::string bin = testing::shell_quote(PKGLY_TRAIL_BINARY);
  const std::string inner = "stty cols " + std::to_string(columns) + " rows 24; " + env + " " +
                            bin + " " + args + " < " + stdin_file;
  const std::string command = "script -qec " + testing::shell_quote(inner) + " /dev/null";
  std::string shown;
  if (std::FILE* pipe = ::popen(command.c_str(), "r")) {
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) shown.append(chunk, n);
    ::pclose(pipe);
  }
  std::string text;
  for (std::size_t i = 0; i < shown.size(); ++i)
    if (!(shown[i] == '\r' && i + 1 < shown.size() && shown[i + 1] == '\n')) text += shown[i];
  return text;
}

}  // namespace

TEST_CASE("text on a terminal is cut to its width unless --wide", "[cli][terminal]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  const auto cut = lines_of(on_terminal("join --no-pager " + log, 60));
  REQUIRE(cut.size() > 3);
  bool any_cut = false;
  for (const std::string& line : cut) {
    if (line.starts_with("pkgly-trail: ")) continue;  // stderr's notes are messages, not cut
    CHECK(testing::columns_of(line) <= 60);
    any_cut = any_cut || line.ends_with("\xe2\x80\xa6\x1b[0m") || line.ends_with("\xe2\x80\xa6");
  }
  CHECK(any_cut);
  const auto wide = lines_of(on_terminal("join --no-pager --wide " + log, 60));
  std::size_t longest = 0;
  for (const std::string& line : wide) longest = std::max(longest, testing::columns_of(line));
  CHECK(longest > 60);
  // Not a terminal: never cut.
  auto piped = testing::run_trail("join " + log);
  CHECK(piped.out == testing::run_trail("join --wide " + log).out);
  std::size_t longest_piped = 0;
  for (const std::string& line : lines_of(piped.out))
    longest_piped = std::max(longest_piped, testing::columns_of(line));
  CHECK(longest_piped > 200);
}

TEST_CASE("output on a terminal goes through PAGER when the inputs are files", "[cli][terminal]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  const std::string pager = "PAGER='sed s/^/PAGED:/'";
  const auto paged = lines_of(on_terminal("audit " + log, 200, pager));
  REQUIRE(!paged.empty());
  for (const std::string& line : paged) CHECK(line.starts_with("PAGED:"));
  // --no-pager, PAGER=cat, and stdin (a live `docker compose logs -f` maybe) are not paged.
  for (const auto& [args, env, input] :
       {std::tuple<std::string, std::string, std::string>{"audit --no-pager " + log, pager,
                                                          "/dev/null"},
        {"audit " + log, "PAGER=cat", "/dev/null"},
        {"audit", pager, testing::fixture_path("full-ansi-compose.log")}}) {
    const std::string shown = on_terminal(args, 200, env, input);
    CHECK(shown.find("package.") != std::string::npos);
    CHECK(shown.find("PAGED:") == std::string::npos);
  }
}

TEST_CASE("a pager that quits early ends the run quietly", "[cli][terminal]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  const std::string shown = on_terminal(
      "records " + log + " " + log + " " + log + "; echo status=$?", 200, "PAGER='head -n 1'");
  const auto lines = lines_of(shown);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "status=0");
}

TEST_CASE("text output shows times as --utc or --local choose how text output shows times",
          "[cli][terminal]") {
  const std::string log = testing::fixture_arg("json-plain-zero.log");
  auto logged = testing::run_trail("audit --fields timestamp " + log);
  auto utc = testing::run_trail("audit --utc --fields timestamp " + log);
  auto local = testing::run_trail("audit --local --fields timestamp " + log, "", "TZ=Asia/Kolkata");
  REQUIRE(logged.status == 0);
  const auto logged_lines = lines_of(logged.out);
  const auto utc_lines = lines_of(utc.out);
  const auto local_lines = lines_of(local.out);
  REQUIRE(utc_lines.size() == logged_lines.size());
  REQUIRE(local_lines.size() == logged_lines.size());
  for (std::size_t i = 0; i < logged_lines.size(); ++i) {
    CHECK(utc_lines[i].ends_with("Z"));
    CHECK(local_lines[i].ends_with("+05:30"));
    // Same instant: the UTC text parses back to the logged one's date and minute +0.
    CHECK(utc_lines[i].substr(0, 16) == logged_lines[i].substr(0, 16));
  }
  // json output keeps the logged text whatever --utc says: it is a contract.
  auto json = testing::run_trail("audit --local -o json " + log, "", "TZ=Asia/Kolkata");
  CHECK(json.out.find("+05:30") == std::string::npos);
  auto both = testing::run_trail("audit --utc --local " + log);
  CHECK(both.status == 2);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("the progress line with --progress draws a line on stderr and erases it",
          "[cli][terminal]") {
  char dir_template[] = "/tmp/pkgly-trail-progress-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  const std::string bin = testing::shell_quote(PKGLY_TRAIL_BINARY);
  // A trickling stream: the line is drawn while the input waits.
  // A quiet pipe calls on_idle about once a second: 2 s of silence is at least one redraw.
  const std::string trickle = "(cat " + log + "; sleep 2; cat " + log + ") | ";
  const int forced = std::system(
      (trickle + bin + " audit --progress -o json - >" + dir + "/out 2>" + dir + "/err").c_str());
  CHECK(WEXITSTATUS(forced) == 0);
  const std::string err = testing::read_file(dir + "/err");
  CHECK(err.find("\rpkgly-trail: ") != std::string::npos);
  CHECK(err.find(" records, ") != std::string::npos);
  CHECK(err.find(" matches") != std::string::npos);
  CHECK(err.find(" of ") == std::string::npos);  // stdin: no total, no percentage
  CHECK(err.ends_with("\r\x1b[K"));              // erased at the end
  // The output is the same as without it.
  const int plain = std::system(
      (trickle + bin + " audit -o json - >" + dir + "/plain 2>" + dir + "/plain_err").c_str());
  CHECK(WEXITSTATUS(plain) == 0);
  CHECK(testing::read_file(dir + "/out") == testing::read_file(dir + "/plain"));
  // The log went through twice: twice its audit events, in the order of its truth file.
  auto truth = testing::truth_timestamps("full-ansi-compose");
  const auto once = truth;
  truth.insert(truth.end(), once.begin(), once.end());
  CHECK(testing::ndjson_timestamps(testing::read_file(dir + "/out")) == truth);
  // Not forced, stderr not a terminal: no line.
  CHECK(testing::read_file(dir + "/plain_err").empty());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("progress options: --progress and --no-progress exclude each other", "[cli][terminal]") {
  CHECK(testing::run_trail("audit --progress --no-progress").status == 2);
}

TEST_CASE("join --follow-dir picks up a rolling logger's new file", "[cli][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-dir-cli-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  auto lines = testing::read_lines(testing::fixture_path("json-plain-zero.log"));
  const std::size_t half = lines.size() / 2;
  testing::append_lines(dir + "/pkgly.log.2025-11-20", lines, 0, half);
  const std::string bin = testing::shell_quote(PKGLY_TRAIL_BINARY);
  // The logger rolls over 0.7 s after following starts; SIGINT ends following 1.5 s later.
  const std::string command =
      "(" + bin + " join -o json --follow-dir " + dir + " --prefix pkgly.log >" + dir + "/out 2>" +
      dir + "/err & pid=$!; sleep 0.7; cat > " + dir + "/pkgly.log.2025-11-21 < " + dir +
      "/second; sleep 1.5; kill -INT $pid; wait $pid; echo $? > " + dir + "/status)";
  testing::append_lines(dir + "/second", lines, half, lines.size());
  std::system(command.c_str());
  CHECK(testing::read_file(dir + "/status") == "130\n");
  // Every audit event of the whole log, in the order of its truth file, each joined to its
  // access record as in one file (the logger cut between requests).
  const std::string out = testing::read_file(dir + "/out");
  CHECK(testing::ndjson_timestamps(out) == testing::truth_timestamps("json-plain-zero"));
  simdjson::dom::parser parser;
  for (const std::string& line : testing::read_lines(dir + "/out")) {
    INFO(line.substr(0, 200));
    CHECK(std::string_view(parser.parse(line)["joined_by"]) == "request_id");
  }
  CHECK(testing::read_file(dir + "/out").find("pkgly.log.2025-11-21") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow-dir options: --follow-dir takes no FILE and --prefix needs it", "[cli][follow]") {
  CHECK(testing::run_trail("join --follow-dir /tmp x.log").status == 2);
  CHECK(testing::run_trail("join --prefix pkgly.log x.log").status == 2);
}

TEST_CASE("csv and tsv on a terminal or pager escape controls - files keep the exact bytes",
          "[cli][terminal]") {
  char dir_template[] = "/tmp/pkgly-trail-csv-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  // A query that retitles the window (OSC 0, ended by BEL), hides a link (OSC 8), moves the
  // cursor (C1 CSI, U+009B) and reverses the text after it (U+202E).
  const std::string evil =
      "x\x1b]0;pwned\x07 \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \xc2\x9b"
      "2J "
      "\xe2\x80\xae"
      "gnp.exe";
  const std::string log = dir + "/evil.log";
  testing::append_lines(
      log,
      {"2025-11-20T10:15:00.000001Z  INFO pkgly::audit: Audit event "
       "trace_id=00000000000000000000000000000000 action=package.search outcome=success "
       "actor_username=bob actor_id=3 actor_authenticated=true resource_kind= resource_id= "
       "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query=" +
       evil +
       " http_request_method=GET http_route=/api/search url_path=/api/search "
       "http_response_status_code=200"},
      0, 1);
  const std::string arg = testing::shell_quote(log);
  for (const std::string format : {"csv", "tsv"}) {
    INFO(format);
    const std::string args = "audit -o " + format + " --fields actor_username,query ";
    // Through a pager too: the pager gets what the terminal would.
    for (const std::string& shown : {on_terminal(args + "--no-pager " + arg, 200),
                                     on_terminal(args + arg, 200, "PAGER='sed s/^/PAGED:/'")}) {
      REQUIRE(shown.find("bob") != std::string::npos);
      CHECK(shown.find('\x1b') == std::string::npos);
      CHECK(shown.find('\x07') == std::string::npos);
      CHECK(shown.find("\xc2\x9b") == std::string::npos);
      CHECK(shown.find("\xe2\x80\xae") == std::string::npos);
      CHECK(shown.find("\\e]0;pwned\\x07") != std::string::npos);
      CHECK(shown.find("\\u{9b}") != std::string::npos);
      CHECK(shown.find("\\u{202e}") != std::string::npos);
    }
    // A file or a pipe gets the RFC 4180 (or TSV) bytes, controls as they were logged.
    const auto piped = testing::run_trail(args + arg);
    CHECK(piped.status == 0);
    CHECK(piped.out.find("x\x1b]0;pwned\x07 \x1b]8;;https://evil.example\x1b") !=
          std::string::npos);
    CHECK(piped.out.find("\xc2\x9b"
                         "2J \xe2\x80\xae"
                         "gnp.exe") != std::string::npos);
  }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace pkgly_trail
