// ctest runs each case by its name (catch_discover_tests passes it as a Catch2 test spec, and
// CMake writes it into a list). A name that either of them reads differently runs another case
// or none: with -w NoTests that fails, without it the case would "pass" without running. This
// keeps every name runnable as written.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "support/process.hpp"

namespace {

// Why ctest cannot run a test of this name as itself, or "" when it can. The rules follow
// Catch2 v2's TestSpecParser and WildcardPattern, the test list that CatchAddTests.cmake builds
// from --list-test-names-only, and CMake's list syntax.
std::string name_problem(std::string_view name) {
  if (name.empty()) return "empty";
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "a control character (the list is one name a line)";
    switch (c) {
      case '\\':
        return "'\\' escapes the next character in a test spec";
      case ',':
        return "',' separates test specs";
      case '[':
      case ']':
        return "'[' ']' open a tag in a test spec and group a CMake list";
      case '"':
        return "'\"' quotes a test spec";
      case ';':
        return "';' separates a CMake list";
      default:
        break;
    }
  }
  if (name.front() == '*' || name.back() == '*') return "'*' at an end is a wildcard";
  if (name.front() == '~') return "a leading '~' excludes";
  if (name.front() == '-') return "a leading '-' reads as an option";
  if (name.front() == '#') return "a leading '#' is a file tag and is listed in quotes";
  if (name.front() == ' ' || name.back() == ' ') return "Catch2 trims spaces at the ends";
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.starts_with("exclude:")) return "a leading 'exclude:' excludes";
  return "";
}

}  // namespace

TEST_CASE("every test name can be run by ctest") {
  std::map<std::string, std::string> lower_names;
  const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(tests.size() > 100);
  for (const Catch::TestCase& test : tests) {
    const std::string& name = test.getTestCaseInfo().name;
    INFO(name);
    CHECK(name_problem(name) == "");
    // Catch2 matches names without case: two names that differ only in case run together.
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(lower_names.emplace(lower, name).second);
  }
}

TEST_CASE("each test name given to the test binary selects that test alone") {
  // As ctest runs it: the name as the one argument (CatchAddTests escapes only , [ ], which the
  // guard above forbids), read by Catch2's own test-spec parser in a fresh process.
  const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(tests.size() > 100);
  for (const Catch::TestCase& test : tests) {
    const std::string& name = test.getTestCaseInfo().name;
    INFO(name);
    const std::string command = "/proc/" + std::to_string(::getpid()) + "/exe " +
                                pkgly_trail::testing::shell_quote(name) +
                                " --list-test-names-only 2>&1";
    std::string listed;
    if (std::FILE* pipe = ::popen(command.c_str(), "r")) {
      char chunk[4096];
      for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;)
        listed.append(chunk, n);
      ::pclose(pipe);
    }
    CHECK(listed == name + "\n");
  }
}

TEST_CASE("the test name guard rejects what Catch2 or CMake would read differently") {
  CHECK(name_problem("json strings: short escapes and \\u00XX for other controls") != "");
  for (std::string_view bad : {"a, b", "a [tag]", "one]two", "say \"hi\"", "a;b", "*wild", "wild*",
                               "~not", "-opt", "#file", " padded", "padded ", "exclude:this",
                               "Exclude:this", "two\nlines", "tab\there", ""}) {
    INFO(bad);
    CHECK(name_problem(bad) != "");
  }
  for (std::string_view good :
       {"every test name can be run by ctest", "a * in the middle", "x=1 and y~2",
        "U+2066..U+2069 (bidi isolates) are escaped", "audit: --since 2025-11-20"}) {
    INFO(good);
    CHECK(name_problem(good) == "");
  }
}

// Run only by the test below (hidden by [.]): it asserts nothing, so the runner must fail it.
TEST_CASE("probe: a test case without assertions", "[.][probe]") {}

TEST_CASE("the runner fails a name that matches nothing and a test that asserts nothing") {
  const std::string self = "/proc/" + std::to_string(::getpid()) + "/exe ";
  auto run = [](const std::string& command) {
    const int raw = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  CHECK(run(self + pkgly_trail::testing::shell_quote("no test has this name")) == 2);
  CHECK(run(self + pkgly_trail::testing::shell_quote("probe: a test case without assertions")) !=
        0);
  CHECK(run(self + pkgly_trail::testing::shell_quote("default column lists")) == 0);
}
