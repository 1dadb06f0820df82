// `join -f` follows a log file across a rotation by a writer process and prints each event as
// its lines arrive; Ctrl-C ends it.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/process.hpp"
#include "support/text_lines.hpp"

namespace pkgly_trail {

TEST_CASE("join follows a file through a rotation", "[cli][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-cli-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  auto lines = testing::read_lines(testing::fixture_path("json-plain-zero.log"));
  // Split the sample in two halves at a line boundary; the second goes to the new file.
  const std::size_t half = lines.size() / 2;
  auto write = [&](const std::string& path, std::size_t from, std::size_t to) {
    testing::append_lines(path, lines, from, to);
  };
  write(log, 0, half);

  int out_pipe[2];
  REQUIRE(pipe(out_pipe) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    close(out_pipe[0]);
    execl(PKGLY_TRAIL_BINARY, "pkgly-trail", "join", "-f", "-o", "csv", "--fields", "timestamp",
          log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out_pipe[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::rename(log.c_str(), (log + ".1").c_str());
  write(log, half, lines.size());

  // 116 audit events in the sample, plus the header line.
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::count(out.begin(), out.end(), '\n') < 117 &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_pipe[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[65536];
      ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out_pipe[0]);
  CHECK(std::count(out.begin(), out.end(), '\n') == 117);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow needs file names", "[cli][follow]") {
  CHECK(testing::run_trail("audit -f").status == 2);
  CHECK(testing::run_trail("audit -f -").status == 2);
}

}  // namespace pkgly_trail
