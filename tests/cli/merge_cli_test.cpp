// End to end: `--merge` turns a log dealt into several files (one per replica, rotated files)
// back into the stream of the whole log.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "support/live_trail.hpp"
#include "support/process.hpp"

namespace pkgly_trail {
namespace {
using testing::run_trail;
using testing::shell_quote;

// The lines of a fixture dealt in turn into `count` files (one per replica, rotated files) in a
// directory of their own, removed with everything in it at the end of the test.
struct DealtLog {
  std::string dir;
  std::vector<std::string> parts;  // the files' paths

  DealtLog(const std::string& fixture, std::size_t count) {
    char dir_template[] = "/tmp/pkgly-trail-merge-XXXXXX";
    dir = mkdtemp(dir_template);
    std::vector<std::string> texts(count);
    const auto lines = testing::read_lines(testing::fixture_path(fixture));
    for (std::size_t i = 0; i < lines.size(); ++i) texts[i % count] += lines[i] + "\n";
    for (std::size_t i = 0; i < count; ++i) {
      parts.push_back(dir + "/part" + std::to_string(i) + ".log");
      write_file(parts.back(), texts[i]);
    }
  }
  ~DealtLog() { std::system(("rm -rf " + shell_quote(dir)).c_str()); }
  DealtLog(const DealtLog&) = delete;
  DealtLog& operator=(const DealtLog&) = delete;

 private:
  static void write_file(const std::string& path, const std::string& text) {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
};

std::string args_of(const std::vector<std::string>& paths) {
  std::string args;
  for (const std::string& path : paths) args += " " + shell_quote(path);
  return args;
}

// The file and line of a record differ between the whole log and its parts; all else must not.
std::string without_sources(const std::string& out) {
  static const std::regex source(R"re("source":\{"input":"[^"]*","line":[0-9]+\})re");
  return std::regex_replace(out, source, R"("source":{})");
}

// The timestamp of each line of NDJSON output (the audit event's, for join).
std::vector<std::string> timestamps(const std::string& out) {
  static const std::regex audit_time(R"re(^\{"contract":1,"timestamp":"([^"]+)")re");
  std::vector<std::string> times;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, audit_time)) times.push_back(m[1]);
  }
  return times;
}

// The timestamps of the audit records of `records -o json` output.
std::vector<std::string> audit_timestamps(const std::string& out) {
  std::vector<std::string> times;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.find(R"("target":"pkgly::audit")") != std::string::npos)
      for (const std::string& time : timestamps(line)) times.push_back(time);
  return times;
}

// "lines 12" from --stats.
std::uint64_t stat(const std::string& err, const std::string& name) {
  std::smatch m;
  const std::regex line("(^|\\n)" + name + " +([0-9]+)");
  if (!std::regex_search(err, m, line)) FAIL("no '" << name << "' in --stats: " << err);
  return std::stoull(m[2]);
}

}  // namespace

TEST_CASE("join --merge of a log dealt into files gives the join of the whole log",
          "[cli][merge]") {
  const DealtLog dealt("json-plain-zero.log", 2);
  const auto whole = run_trail("join -o json " + testing::fixture_arg("json-plain-zero.log"));
  REQUIRE(whole.status == 0);
  REQUIRE(!whole.out.empty());

  const auto merged = run_trail("join -o json --merge" + args_of(dealt.parts));
  CHECK(merged.status == 0);
  CHECK(merged.err.empty());
  CHECK(without_sources(merged.out) == without_sources(whole.out));
  const auto times = timestamps(merged.out);
  REQUIRE(times.size() > 10);
  CHECK(std::is_sorted(times.begin(), times.end()));
  // Each record still names its own file and line.
  CHECK(merged.out.find("\"input\":\"" + dealt.parts[0] + "\",\"line\":") != std::string::npos);
  CHECK(merged.out.find("\"input\":\"" + dealt.parts[1] + "\",\"line\":") != std::string::npos);

  // Without --merge the files are read one after the other: not the same stream.
  const auto concatenated = run_trail("join -o json" + args_of(dealt.parts));
  CHECK(without_sources(concatenated.out) != without_sources(whole.out));
  const auto plain_records = timestamps(run_trail("records -o json" + args_of(dealt.parts)).out);
  CHECK_FALSE(std::is_sorted(plain_records.begin(), plain_records.end()));
  const auto merged_records =
      timestamps(run_trail("records -o json --merge" + args_of(dealt.parts)).out);
  CHECK(merged_records.size() == plain_records.size());
  CHECK(std::is_sorted(merged_records.begin(), merged_records.end()));

  // A gzip-compressed part (a rotated file) merges the same.
  REQUIRE(std::system(("gzip -k " + shell_quote(dealt.parts[1])).c_str()) == 0);
  const auto with_gzip = run_trail("join -o json --merge " + shell_quote(dealt.parts[0]) + " " +
                                   shell_quote(dealt.parts[1] + ".gz"));
  CHECK(with_gzip.status == 0);
  CHECK(without_sources(with_gzip.out) == without_sources(whole.out));
}

TEST_CASE("records --merge of four parts of a compose log is the whole log in order",
          "[cli][merge]") {
  const DealtLog dealt("full-ansi-compose.log", 4);
  const auto whole = run_trail("records -o json " + testing::fixture_arg("full-ansi-compose.log"));
  REQUIRE(whole.status == 0);
  const auto merged = run_trail("records -o json --merge" + args_of(dealt.parts));
  CHECK(merged.status == 0);
  CHECK(without_sources(merged.out) == without_sources(whole.out));
  // Independently of the tool: the audit records are those of the truth file, in its order.
  CHECK(audit_timestamps(merged.out) == testing::truth_timestamps("full-ansi-compose"));
}

TEST_CASE("merge cli: a missing input is named and the others are still merged (exit 2)",
          "[cli][merge][errors]") {
  const DealtLog dealt("json-plain-zero.log", 2);
  const auto both = run_trail("join -o json --merge" + args_of(dealt.parts));
  const auto missing =
      run_trail("join -o json --merge " + shell_quote(dealt.parts[0]) + " " +
                shell_quote(dealt.dir + "/missing.log") + " " + shell_quote(dealt.parts[1]));
  CHECK(missing.status == 2);
  CHECK(missing.err.find(dealt.dir + "/missing.log") != std::string::npos);
  CHECK(both.status == 0);
  CHECK(missing.out == both.out);
  // Both are every audit event of the log, in the order of its truth file.
  CHECK(timestamps(missing.out) == testing::truth_timestamps("json-plain-zero"));
}

TEST_CASE("merge cli: a gzip file that breaks mid-read is named and the others go on",
          "[cli][merge][errors]") {
  const DealtLog dealt("json-plain-zero.log", 2);
  // Cut the compressed second part in its middle.
  const std::string cut = dealt.dir + "/cut.log.gz";
  REQUIRE(std::system(
              ("gzip -c " + shell_quote(dealt.parts[1]) + " | head -c 20000 > " + shell_quote(cut))
                  .c_str()) == 0);
  const auto result =
      run_trail("records -o json --merge " + shell_quote(dealt.parts[0]) + " " + shell_quote(cut));
  CHECK(result.status == 2);
  CHECK(result.err.find(cut) != std::string::npos);
  // Every record of the first part is there.
  const auto first = run_trail("records -o json " + shell_quote(dealt.parts[0]));
  std::istringstream in(first.out);
  for (std::string line; std::getline(in, line);) {
    INFO(line.substr(0, 120));
    CHECK(result.out.find(line) != std::string::npos);
  }
}

TEST_CASE("merge cli: --stats accounts for every line of every input", "[cli][merge][stats]") {
  const DealtLog dealt("compose-ts-interleaved-postgres.log", 3);
  const auto whole =
      run_trail("records --stats " + testing::fixture_arg("compose-ts-interleaved-postgres.log"));
  const auto merged = run_trail("records --stats --merge" + args_of(dealt.parts));
  CHECK(merged.status == 0);
  const std::uint64_t lines = stat(merged.err, "lines");
  CHECK(lines ==
        testing::read_lines(testing::fixture_path("compose-ts-interleaved-postgres.log")).size());
  CHECK(lines == stat(merged.err, "  record lines") + stat(merged.err, "  continuation") +
                     stat(merged.err, "  non-tracing") + stat(merged.err, "  unparsed") +
                     stat(merged.err, "  other services"));
  CHECK(stat(merged.err, "bytes") == stat(whole.err, "bytes"));
  CHECK(stat(merged.err, "  non-tracing") == stat(whole.err, "  non-tracing"));
}

TEST_CASE("merge cli: --follow is a usage error and one input or stdin is a plain read",
          "[cli][merge]") {
  const auto follow = run_trail("join --merge -f " + testing::fixture_arg("json-plain-zero.log") +
                                " " + testing::fixture_arg("full-ansi-compose.log"));
  CHECK(follow.status == 2);
  CHECK(follow.err.find("--merge cannot be combined with --follow") != std::string::npos);
  CHECK(run_trail("join --merge --follow-dir /tmp").status == 2);
  CHECK(follow.out.empty());

  const auto plain = run_trail("join -o json " + testing::fixture_arg("json-plain-zero.log"));
  const auto one = run_trail("join -o json --merge " + testing::fixture_arg("json-plain-zero.log"));
  CHECK(one.status == 0);
  CHECK(one.out == plain.out);
  CHECK(timestamps(one.out) == testing::truth_timestamps("json-plain-zero"));
  const auto from_stdin = run_trail(
      "join -o json --merge", testing::read_file(testing::fixture_path("json-plain-zero.log")));
  CHECK(without_sources(from_stdin.out) == without_sources(plain.out));
}

TEST_CASE("merge cli: Ctrl-C ends a merge that waits for a silent pipe",
          "[cli][merge][interrupt]") {
  // stdin stays open and silent: the merge waits for its next record until SIGINT.
  testing::LiveTrail trail(
      {"join", "-o", "json", "--merge", "-", testing::fixture_path("json-plain-zero.log")},
      testing::LiveSetup().out_to("/dev/null"));
  REQUIRE(trail.wait_until_ready_for(SIGINT, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the wait for stdin
  trail.signal(SIGINT);
  const std::optional<int> status = trail.wait_for(std::chrono::seconds(5));
  if (!status) FAIL("pkgly-trail join --merge did not end within 5 s of SIGINT");
  CHECK(*status == 130);  // exited (Ctrl-C handled), not killed
}

}  // namespace pkgly_trail
