// ctest runs each case by its name (catch_discover_tests): a name with ';' is cut into a list
// by CMake and one starting with '-' reads as an option, so the case would "pass" without
// running. This keeps every name runnable.
#include <catch2/catch.hpp>

TEST_CASE("every test name can be run by ctest") {
  for (const Catch::TestCase& test : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    const std::string& name = test.getTestCaseInfo().name;
    INFO(name);
    CHECK(name.find(';') == std::string::npos);
    CHECK(!name.starts_with("-"));
  }
}
