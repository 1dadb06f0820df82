// The test runner: Catch2's own, with two warnings always on, so that a run cannot pass on
// nothing. NoTests: a test spec (the name ctest passes) that matches no test case exits 2.
// NoAssertions: a test case or leaf section that runs no assertion fails. They are set here
// rather than with `-w` on the command line because Catch2 v2.13 accepts `-w` only once per
// run (a second one is "Unrecognised token: -w").
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  Catch::ConfigData& config = session.configData();
  config.warnings = static_cast<Catch::WarnAbout::What>(
      config.warnings | Catch::WarnAbout::NoTests | Catch::WarnAbout::NoAssertions);
  return session.run();
}
