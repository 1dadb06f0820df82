// Hostile and broken input: a clear message or a correct record, never a crash, a hang or
// invalid output.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "support/process.hpp"

namespace pkgly_trail {
using testing::run_trail;

namespace {

const std::string kGood =
    R"({"timestamp":"2025-11-20T10:15:30.1Z","level":"INFO","fields":{"message":"ok"},"target":"pkgly::x"})";

// Every stdout line must be a JSON object.
void require_valid_ndjson(const std::string& out) {
  simdjson::dom::parser parser;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    INFO(line.substr(0, 200));
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    CHECK(doc.is_object());
  }
}

std::string temp_dir() {
  char dir_template[] = "/tmp/pkgly-trail-bad-XXXXXX";
  return mkdtemp(dir_template);
}

}  // namespace

TEST_CASE("invalid UTF-8 and control bytes still give valid JSON", "[cli][robustness]") {
  std::string input =
      "2025-11-20T10:15:30.1Z  INFO pkgly::x: bad \xff\xfe utf8 nul \0 bell \x07 esc \x1b[2J "
      "q=\"\xc3\x28\"\n";
  input.insert(input.find("nul ") + 4, 1, '\0');
  auto result = run_trail("records -o json", input);
  CHECK(result.status == 0);
  require_valid_ndjson(result.out);
  CHECK(result.out.find("\\ufffd") != std::string::npos);
  CHECK(result.out.find("\\u0000") != std::string::npos);
  CHECK(result.out.find('\x1b') == std::string::npos);
  auto text = run_trail("records --color never", input);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find('\x07') == std::string::npos);
}

TEST_CASE("no final newline - CRLF and empty input", "[cli][robustness]") {
  auto no_newline = run_trail("records -o json", kGood);
  CHECK(no_newline.status == 0);
  CHECK(std::count(no_newline.out.begin(), no_newline.out.end(), '\n') == 1);
  auto crlf = run_trail("records -o json", kGood + "\r\n" + kGood + "\r\n");
  CHECK(std::count(crlf.out.begin(), crlf.out.end(), '\n') == 2);
  CHECK(crlf.out.find("\\r") == std::string::npos);
  auto empty = run_trail("records --stats", "");
  CHECK(empty.status == 1);
  CHECK(empty.err.find("lines               0") != std::string::npos);
}

TEST_CASE("broken JSON records are counted - not fatal", "[cli][robustness][json]") {
  std::string deep(5000, '[');
  std::string input =
      kGood + "\n" + "[1,2,3]\n" + "{\"timestamp\":\"x\",\"level\":\"INFO\"\n" + "{\"a\":" + deep +
      "\n" +
      R"({"timestamp":"t","level":"INFO","target":"a","target":"b","fields":{"n":1e999999,"m":123456789012345678901234567890}})" +
      "\n" + kGood + "\n";
  auto result = run_trail("records -o json --stats", input);
  CHECK(result.status == 0);
  require_valid_ndjson(result.out);
  CHECK(result.out.find("\"message\":\"ok\"") != std::string::npos);
  CHECK(result.err.find("could not be parsed") != std::string::npos);
}

TEST_CASE("a huge line is cut at --max-line-bytes and counted", "[cli][robustness]") {
  std::string dir = temp_dir();
  // 100 MiB in one line, written by the shell so the test does not hold it twice.
  std::string file = dir + "/huge.log";
  std::string make =
      "{ printf '2025-11-20T10:15:30.1Z  INFO pkgly::x: start big='; head -c 104857600 /dev/zero | "
      "tr '\\0' a; printf '\\n%s\\n' " +
      testing::shell_quote(kGood) + "; } > " + file;
  REQUIRE(std::system(make.c_str()) == 0);
  std::string command = "/usr/bin/time -f 'rss %M' " + testing::shell_quote(PKGLY_TRAIL_BINARY) +
                        " records -o json --stats --max-line-bytes 1048576 " + file + " >" + dir +
                        "/out 2>" + dir + "/err";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string err = testing::read_file(dir + "/err");
  INFO(err);
  CHECK(err.find("truncated         1") != std::string::npos);
  const std::string out = testing::read_file(dir + "/out");
  CHECK(std::count(out.begin(), out.end(), '\n') == 2);
  auto rss = err.find("rss ");
  REQUIRE(rss != std::string::npos);
  CHECK(std::stol(err.substr(rss + 4)) < 64 * 1024);  // KiB: memory stays bounded
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a binary file - a directory - a missing file", "[cli][robustness][input]") {
  std::string dir = temp_dir();
  REQUIRE(std::system(("head -c 200000 /dev/urandom > " + dir + "/blob.bin").c_str()) == 0);
  auto binary = run_trail("records " + dir + "/blob.bin");
  CHECK(binary.status != 2);  // not a tracing log, but not trouble either: nothing matched
  auto directory = run_trail("records " + dir);
  CHECK(directory.status == 2);
  CHECK(directory.err.find(dir) != std::string::npos);
  CHECK(directory.err.find("directory") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a truncated gzip file keeps the records before the damage", "[cli][robustness][input]") {
  std::string dir = temp_dir();
  std::string log = testing::fixture_path("json-plain-zero.log");
  REQUIRE(
      std::system(("gzip -c " + testing::shell_quote(log) + " | head -c 60000 > " + dir + "/cut.gz")
                      .c_str()) == 0);
  auto result = run_trail("records -o json " + dir + "/cut.gz");
  CHECK(result.status == 2);
  CHECK(result.err.find("cut.gz") != std::string::npos);
  require_valid_ndjson(result.out);
  CHECK(std::count(result.out.begin(), result.out.end(), '\n') > 50);
  REQUIRE(std::system(("printf '\\037\\213garbage' > " + dir + "/corrupt.gz").c_str()) == 0);
  auto corrupt = run_trail("records " + dir + "/corrupt.gz");
  CHECK(corrupt.status == 2);
  CHECK(corrupt.err.find("corrupt.gz") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("input that stops in the middle of a record", "[cli][robustness]") {
  auto result = run_trail("audit -o json",
                          "2025-11-20T10:15:30.1Z  INFO HTTP request{request_id=r}: pkgly::audit: "
                          "Audit event trace_id=0 action=auth.me outcome=succ");
  // The last line needs no newline: the event is read with what it has, typed no better.
  CHECK(result.status == 0);
  require_valid_ndjson(result.out);
  REQUIRE(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  simdjson::dom::parser parser;
  simdjson::dom::element event = parser.parse(result.out);
  CHECK(std::string_view(event["target"]) == "pkgly::audit");
  CHECK(std::string_view(event["timestamp"]) == "2025-11-20T10:15:30.1Z");
  CHECK(std::string_view(event["fields"]["action"]) == "auth.me");
  CHECK(std::string_view(event["fields"]["outcome"]) == "succ");
  CHECK(std::string_view(event["request_id"]) == "r");
}

}  // namespace pkgly_trail
