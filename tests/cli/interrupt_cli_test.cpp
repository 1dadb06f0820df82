// A live `join` never holds an event back: a silent pipe still prints it within about a
// second, and Ctrl-C prints what is pending before exiting.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "support/process.hpp"

namespace pkgly_trail {
namespace {

// An audit line whose access record never comes.
std::string lonely_audit_line() {
  for (const auto& line : testing::read_lines(testing::fixture_path("json-plain-zero.log")))
    if (line.find("\"target\":\"pkgly::audit\"") != std::string::npos) return line + "\n";
  return {};
}

struct LiveJoin {
  pid_t pid = -1;
  int to_child = -1;
  int from_child = -1;

  LiveJoin() {
    int in[2], out[2];
    REQUIRE(pipe(in) == 0);
    REQUIRE(pipe(out) == 0);
    pid = fork();
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(PKGLY_TRAIL_BINARY, "pkgly-trail", "join", "-o", "json", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_child = in[1];
    from_child = out[0];
  }
  void send(const std::string& text) const {
    REQUIRE(write(to_child, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  std::string read_for(int ms) const {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (got.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{from_child, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) {
        char buf[65536];
        ssize_t n = read(from_child, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
    }
    return got;
  }
  int wait_exit() {
    close(to_child);
    int status = 0;
    waitpid(pid, &status, 0);
    close(from_child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

}  // namespace

TEST_CASE("a live join prints an event without access record once the pipe is quiet",
          "[cli][correlate][live]") {
  LiveJoin join;
  join.send(lonely_audit_line());
  std::string out = join.read_for(4000);
  CHECK(out.find("\"access\":null") != std::string::npos);
  CHECK(join.wait_exit() == 0);
}

TEST_CASE("ctrl-c prints what the join holds and exits 130", "[cli][correlate][live]") {
  LiveJoin join;
  // The event waits for its access record when the interrupt comes.
  join.send(lonely_audit_line());
  // Long enough for the child to have started and read the line, also under sanitizers (a
  // signal before the read ends the input before the line: nothing to print).
  usleep(700 * 1000);
  kill(join.pid, SIGINT);
  std::string out = join.read_for(3000);
  CHECK(out.find("\"target\":\"pkgly::audit\"") != std::string::npos);
  CHECK(join.wait_exit() == 130);
}

}  // namespace pkgly_trail
