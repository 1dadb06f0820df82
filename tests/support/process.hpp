#pragma once
// Runs the pkgly-trail binary for end-to-end tests.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/truth.hpp"

namespace pkgly_trail::testing {

struct RunResult {
  int status = -1;  // exit code
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Runs `pkgly-trail ARGS` through the shell (ARGS is shell text), with `input` on stdin.
inline RunResult run_trail(const std::string& args, const std::string& input = "",
                           const std::string& env = "") {
  char dir_template[] = "/tmp/pkgly-trail-test-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  {
    std::FILE* in = std::fopen((dir + "/in").c_str(), "wb");
    std::fwrite(input.data(), 1, input.size(), in);
    std::fclose(in);
  }
  std::string command = env + " " + shell_quote(PKGLY_TRAIL_BINARY) + " " + args + " <" + dir +
                        "/in >" + dir + "/out 2>" + dir + "/err";
  int raw = std::system(command.c_str());
  RunResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_file(dir + "/out");
  result.err = read_file(dir + "/err");
  std::system(("rm -rf " + dir).c_str());
  return result;
}

inline std::string fixture_arg(const std::string& name) {
  return shell_quote(fixture_path(name));
}

}  // namespace pkgly_trail::testing
