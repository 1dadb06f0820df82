#pragma once
// A test that needs a program this machine may lack (Chromium, zsh, fish, groff) reports a
// skip to ctest instead of passing on nothing. Catch2 v2 has no skip of its own, so skip()
// ends the test process with kSkipExitCode, which CMakeLists.txt declares as SKIP_RETURN_CODE
// for the tests tagged [may-skip] only (ctest runs one test case per process). An untagged
// test that calls it fails, and so does any skip under CI=true: CI installs every such program.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace pkgly_trail::testing {

inline constexpr int kSkipExitCode = 77;
inline constexpr std::string_view kMaySkipTag = "may-skip";

inline bool have_program(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

inline bool current_test_may_skip() {
  const std::string name = Catch::getResultCapture().getCurrentTestName();
  for (const Catch::TestCase& test : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    if (test.getTestCaseInfo().name != name) continue;
    for (const std::string& tag : test.getTestCaseInfo().tags)
      if (tag == kMaySkipTag) return true;
  }
  return false;
}

// Never returns: fails the test (untagged, or in CI) or exits with kSkipExitCode.
[[noreturn]] inline void skip(const std::string& reason) {
  if (!current_test_may_skip()) FAIL("skip() in a test without the [may-skip] tag: " << reason);
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view(ci) == "true")
    FAIL("CI=true: this test may not skip (" << reason << "); CI installs what it needs");
  std::cout << "SKIPPED: " << reason << std::endl;
  std::fflush(nullptr);
  std::exit(kSkipExitCode);
}

}  // namespace pkgly_trail::testing
