// End to end: `completions bash|zsh|fish` write scripts generated from the command line's own
// definition, which each shell accepts.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "cli/command_line.hpp"
#include "cli/command_spec.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

namespace pkgly_trail {
namespace {
using testing::run_trail;

// Runs `check` on the script saved to a file; returns its exit status.
int check_script(const std::string& script, const std::string& check) {
  char path[] = "/tmp/pkgly-trail-completion-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size()));
  close(fd);
  int raw = std::system((check + " " + path + " >/dev/null 2>&1").c_str());
  unlink(path);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace

TEST_CASE("completions: every subcommand and option - for each shell", "[cli][completions]") {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    INFO(shell);
    auto result = run_trail(std::string("completions ") + shell);
    REQUIRE(result.status == 0);
    CHECK(result.err.empty());
    REQUIRE(!result.out.empty());
    for (const char* word : {"audit", "records", "join", "trace", "report", "completions",
                             "outcome", "max-memory", "access-only", "target", "bucket"})
      CHECK(result.out.find(word) != std::string::npos);
    // Values CLI11 knows are offered too.
    CHECK(result.out.find("success denied") != std::string::npos);
    CHECK(result.out.find("ecs") != std::string::npos);
    // The hidden `man` subcommand is not offered.
    CHECK(result.out.find(" man") == std::string::npos);
  }
  CHECK(run_trail("completions bash").out.find("--outcome") != std::string::npos);
  CHECK(run_trail("completions zsh").out.find("--outcome[") != std::string::npos);
  CHECK(run_trail("completions fish").out.find("-l outcome") != std::string::npos);
}

TEST_CASE("completions: an unknown shell is a usage error", "[cli][completions]") {
  auto result = run_trail("completions tcsh");
  CHECK(result.status == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("tcsh") != std::string::npos);
  CHECK(run_trail("completions").status == 2);
}

TEST_CASE("completions: bash accepts the bash script and completes with it", "[cli][completions]") {
  const std::string script = run_trail("completions bash").out;
  CHECK(check_script(script, "bash -n") == 0);
  CHECK(check_script("_f() {\n", "bash -n") != 0);  // the check itself can fail
  // Complete `pkgly-trail join --outcome <TAB>` and `pkgly-trail jo<TAB>` with it.
  auto completed = [&](const std::string& words, int cword) {
    char path[] = "/tmp/pkgly-trail-completion-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size()));
    close(fd);
    std::string out_path = std::string(path) + ".out";
    std::string command = "bash -c 'source " + std::string(path) + "; COMP_WORDS=(" + words +
                          "); COMP_CWORD=" + std::to_string(cword) +
                          "; _pkgly_trail; echo \"${COMPREPLY[*]}\"' >" + out_path;
    std::system(command.c_str());
    std::string out = testing::read_file(out_path);
    unlink(path);
    unlink(out_path.c_str());
    return out;
  };
  CHECK(completed("pkgly-trail jo", 1) == "join\n");
  CHECK(completed("pkgly-trail join --outcome \"\"", 3) == "success denied\n");
  CHECK(completed("pkgly-trail audit -o e", 3) == "ecs\n");

  // Every option whose value is one of a few words completes to those words, in every
  // command that has it (walked from the same definition that parses the command line).
  cli::Options options;
  cli::CommandLine command_line(options);
  std::size_t enumerated = 0;
  for (const cli::CommandSpec& command : cli::describe_commands(command_line.app())) {
    for (const cli::OptionSpec& option : command.options) {
      if (option.choices.empty()) continue;
      std::string words;
      for (const std::string& choice : option.choices) words += (words.empty() ? "" : " ") + choice;
      const std::string name = option.names.empty() ? std::string() : option.names.back();
      INFO(command.name << " " << (name.empty() ? option.positional : name));
      if (name.empty()) {
        CHECK(completed("pkgly-trail " + command.name + " \"\"", 2) == words + "\n");
      } else {
        CHECK(completed("pkgly-trail " + command.name + " " + name + " \"\"", 3) == words + "\n");
      }
      ++enumerated;
    }
  }
  // -o and --color in four commands, --outcome in four, --level, --bucket, report's -o, SHELL.
  CHECK(enumerated >= 16);
}

// One test per shell, so a missing fish does not hide zsh's result (and the other way round).
TEST_CASE("completions: zsh accepts the zsh script", "[cli][completions][may-skip]") {
  if (!testing::have_program("zsh")) testing::skip("zsh is not installed");
  CHECK(check_script(run_trail("completions zsh").out, "zsh -n") == 0);
  CHECK(check_script("_f() {\n", "zsh -n") != 0);  // the check itself can fail
}

TEST_CASE("completions: fish accepts the fish script", "[cli][completions][may-skip]") {
  if (!testing::have_program("fish")) testing::skip("fish is not installed");
  CHECK(check_script(run_trail("completions fish").out, "fish --no-execute") == 0);
  CHECK(check_script("function f\n", "fish --no-execute") != 0);  // the check itself can fail
}

}  // namespace pkgly_trail
