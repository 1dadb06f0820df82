// End to end: `trace` reads named files in passes that parse only the records holding one of
// the request's ids (src/cli/trace_command.cpp); a stream is read once, every record parsed.
// Both must give the same records.
#include <catch2/catch.hpp>

#include "support/process.hpp"

namespace pkgly_trail {

namespace {
using testing::fixture_arg;
using testing::run_trail;

std::string file_contents(const std::string& name) {
  return testing::read_file(testing::fixture_path(name));
}

// The records of a run on the named file, with the input named as a stream's ("-").
std::string as_if_streamed(std::string out, const std::string& name) {
  const std::string named = "\"input\":\"" + testing::fixture_path(name) + "\"";
  for (std::size_t at = out.find(named); at != std::string::npos; at = out.find(named, at))
    out.replace(at, named.size(), "\"input\":\"-\"");
  return out;
}

}  // namespace

TEST_CASE("trace of a named file gives what one whole read of the stream gives", "[cli][trace]") {
  struct Case {
    std::string log;
    std::string id;
  };
  // Request ids, trace ids (OpenTelemetry on: the access record ties them) and prefixes.
  const Case cases[] = {
      {"json-compose-real.log", "09bff37a"},
      {"json-compose-real.log", "72566285c249de859535247b4aceeff4"},
      {"json-compose-real.log", "2aacca7a-3482-4f76-a9c1-0b5d928a8c9f"},
      {"adversarial-full-ansi.log", "54b87071"},
      {"adversarial-full-ansi.log", "a5b74734ae07ec0e0dd133ecbb0bdb11"},
      {"pretty-noansi.log", "13553acc"},
      {"compact-pkgly-ansi.log", "0f39ce4f"},
      {"full-plain-compose.log", "0d98cbfe-a80c-48c8-8c42-faaeb54ca51c"},
  };
  for (const Case& c : cases) {
    INFO(c.log << " " << c.id);
    auto file = run_trail("trace -o json " + c.id + " " + fixture_arg(c.log));
    auto stream = run_trail("trace -o json " + c.id + " -", file_contents(c.log));
    CHECK(file.status == 0);
    CHECK(!file.out.empty());
    CHECK(as_if_streamed(file.out, c.log) == stream.out);
  }
}

TEST_CASE("trace of a named file parses only the records that hold an id of the request",
          "[cli][trace]") {
  // The work, counted: records not parsed because they could not belong to the answer.
  const std::string log = fixture_arg("adversarial-full-ansi.log");
  auto file = run_trail("trace --stats a5b74734ae07ec0e0dd133ecbb0bdb11 " + log);
  auto stream = run_trail("trace --stats a5b74734ae07ec0e0dd133ecbb0bdb11 -",
                          file_contents("adversarial-full-ansi.log"));
  CHECK(file.err.find("; 0 not parsed: could not match") == std::string::npos);
  CHECK(file.err.find("not parsed: could not match") != std::string::npos);
  CHECK(stream.err.find("; 0 not parsed: could not match") != std::string::npos);
  CHECK(file.out == stream.out);  // text: the timeline names no input
}

}  // namespace pkgly_trail
