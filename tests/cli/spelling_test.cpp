#include "cli/spelling.hpp"

#include <catch2/catch.hpp>

namespace pkgly_trail::cli {

TEST_CASE("edit distance counts inserts - deletes - replacements and swaps", "[cli][spelling]") {
  CHECK(edit_distance("audit", "audit") == 0);
  CHECK(edit_distance("adit", "audit") == 1);    // a letter left out
  CHECK(edit_distance("auddit", "audit") == 1);  // one too many
  CHECK(edit_distance("audot", "audit") == 1);   // one wrong
  CHECK(edit_distance("aduit", "audit") == 1);   // two swapped
  CHECK(edit_distance("", "join") == 4);
  CHECK(edit_distance("trace", "") == 5);
  CHECK(edit_distance("records", "report") == 3);  // c->p, d->t, s dropped
}

TEST_CASE("closest word: near enough - or an abbreviation of exactly one", "[cli][spelling]") {
  const std::vector<std::string> commands{"audit", "records", "join",
                                          "trace", "report",  "completions"};
  CHECK(closest_word("adit", commands) == "audit");
  CHECK(closest_word("jion", commands) == "join");
  CHECK(closest_word("recrods", commands) == "records");
  CHECK(closest_word("rep", commands) == "report");  // only report starts so
  CHECK_FALSE(closest_word("re", commands));         // too short to abbreviate
  CHECK_FALSE(closest_word("xyz", commands));
  CHECK_FALSE(closest_word("hunt", commands));  // not a command, not close to one
  const std::vector<std::string> options{"--action", "--actor", "--since", "--until"};
  CHECK(closest_word("--acton", options) == "--action");  // the first of two at distance 1
  CHECK(closest_word("--sinc", options) == "--since");
  CHECK(closest_word("--untill", options) == "--until");
}

}  // namespace pkgly_trail::cli
