#pragma once
// Runs a command of the binary on a sample log and pairs each line it writes with the same line
// of the sample's ground truth (tests/fixtures/<sample>.truth.ndjson), for the end-to-end truth
// tests of `audit -o json` and `join -o json`.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth.hpp"

namespace pkgly_trail::testing {

// Runs `pkgly-trail <command> <sample>.log`, which must succeed without a word on stderr and
// write one line per truth line, then calls check(got, want) for each line and its truth.
template <class Check>
void check_against_truth(const std::string& command, const std::string& sample, Check check) {
  const auto result = run_trail(command + " " + fixture_arg(sample + ".log"));
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  const auto truth = read_lines(fixture_path(sample + ".truth.ndjson"));
  const auto lines = lines_of(result.out);
  REQUIRE(lines.size() == truth.size());
  simdjson::dom::parser truth_parser, out_parser;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    simdjson::dom::object want = truth_parser.parse(truth[i]);
    simdjson::dom::object got = out_parser.parse(lines[i]);
    INFO("event " << i + 1 << ": " << lines[i].substr(0, 300));
    check(got, want);
  }
}

}  // namespace pkgly_trail::testing
