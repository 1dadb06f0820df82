// A line that looks like a record but cannot be parsed is counted with its place and why, so
// --stats and the end-of-run warning can say what was not understood.
#include <catch2/catch.hpp>

#include "parse/parse_helpers.hpp"
#include "support/process.hpp"

namespace pkgly_trail {

TEST_CASE("an unparsed line carries its reason", "[parse][errors]") {
  struct Case {
    const char* text;
    std::string_view why;
  };
  for (const Case& c :
       {Case{"2025-11-20T10:15:30.000001Z  INFO no target here\n",
             "no `target:` (after any spans) where tracing writes it"},
        Case{"{\"timestamp\":\"2025-11-20T10:15:30Z\",\"level\":\"LOUD\",\"target\":\"t\"}\n",
             "\"level\" is no tracing level"},
        Case{"{\"timestamp\":\"2025-11-20T10:15:30Z\",\"level\":\"INFO\",\"fields\":{}}\n",
             "no \"level\" or no \"target\""},
        Case{"{\"timestamp\":\"2025-11-20T10:15:30Z\",\"level\":\"INFO\",\"target\":\n",
             "not a complete JSON object"},
        Case{"  2025-11-20T10:15:30.000001Z  INFO no target on this pretty line\n",
             "no `target:` after the header"}}) {
    INFO(c.text);
    const testing::Parsed parsed = testing::parse_text(c.text);
    CHECK(parsed.records.empty());
    CHECK(parsed.stats.unparsed_lines == 1);
    CHECK(parsed.stats.first_unparsed == "test.log:1");
    CHECK(parsed.stats.first_unparsed_why == c.why);
  }
}

TEST_CASE("the warning and --stats say why the first unparsed line was not understood",
          "[cli][errors]") {
  const std::string log = "2025-11-20T10:15:30.000001Z  INFO no target here\n";
  const auto run = testing::run_trail("records --stats", log);
  CHECK(run.err.find("unparsed          1 (first at -:1: no `target:`") != std::string::npos);
  CHECK(run.err.find("could not be parsed (first at -:1: no `target:`") != std::string::npos);
}

}  // namespace pkgly_trail
