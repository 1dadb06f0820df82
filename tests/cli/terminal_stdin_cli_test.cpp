// End to end: started at a terminal with no file and nothing piped, a command says on stderr
// that it reads the terminal, instead of waiting in silence.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace pkgly_trail {
namespace {

// Runs pkgly-trail ARGS with a pseudo-terminal as stdin, stdout and stderr; reads what it
// writes (no colours) until `until` shows (or 5 s pass), then types Ctrl-D, which must end it
// within 5 s.
// Returns all it wrote.
std::string run_at_terminal(const std::vector<std::string>& args, const std::string& until) {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(PKGLY_TRAIL_BINARY)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::setenv("PAGER", "cat", 1);
    ::setenv("NO_COLOR", "1", 1);  // plain words to look for
    ::execv(PKGLY_TRAIL_BINARY, argv.data());
    ::_exit(127);
  }
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto typed_at = Clock::time_point::max();
  std::string seen;
  int status = -1;
  char buffer[4096];
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    const auto now = Clock::now();
    if (typed_at == Clock::time_point::max() &&
        (seen.find(until) != std::string::npos || now - started > std::chrono::seconds(5))) {
      REQUIRE(::write(master, "\x04", 1) == 1);  // Ctrl-D: the end of the terminal's input
      typed_at = now;
    }
    if (now > typed_at && now - typed_at > std::chrono::seconds(5)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ::close(master);
      FAIL("still running 5 s after Ctrl-D; it wrote: " << seen);
    }
    pollfd request{master, POLLIN, 0};
    if (::poll(&request, 1, 100) > 0) {
      const ssize_t got = ::read(master, buffer, sizeof buffer);
      if (got > 0) seen.append(buffer, static_cast<std::size_t>(got));
    }
  }
  // What it wrote last, just before it exited, may still wait in the terminal: read it all
  // (the read fails once the terminal's other side is closed and nothing is left).
  for (;;) {
    pollfd request{master, POLLIN, 0};
    if (::poll(&request, 1, 100) <= 0) break;
    const ssize_t got = ::read(master, buffer, sizeof buffer);
    if (got <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(master);
  CHECK(WIFEXITED(status));
  return seen;
}

}  // namespace

TEST_CASE("at a terminal with no file a command says it reads the terminal - Ctrl-D ends it",
          "[cli][terminal]") {
  const std::string note = "reading standard input, which is the terminal";
  CHECK(run_at_terminal({"audit"}, note).find(note) != std::string::npos);
  CHECK(run_at_terminal({"join", "-"}, note).find(note) != std::string::npos);
  // A file named: nothing is read from the terminal, nothing to say.
  const std::string log = std::string(PKGLY_TRAIL_FIXTURES) + "/full-ansi-compose.log";
  CHECK(run_at_terminal({"audit", "--no-pager", log}, note).find(note) == std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("join at a terminal shows related records from info up - and says what it left out",
          "[cli][terminal]") {
  const std::string log = std::string(PKGLY_TRAIL_FIXTURES) + "/full-ansi-compose.log";
  const std::string shown =
      run_at_terminal({"join", "--no-pager", "--actor", "bob", log}, "\x04never");
  CHECK(shown.find("Audit event") == std::string::npos);  // text output: no raw records
  CHECK(shown.find(" DEBUG ") == std::string::npos);
  CHECK(shown.find("bob") != std::string::npos);
  CHECK(shown.find("related record(s) below INFO not shown (--related-level trace shows them)") !=
        std::string::npos);
  // Asked for: everything, and nothing to say.
  const std::string all = run_at_terminal(
      {"join", "--no-pager", "--related-level", "trace", "--actor", "bob", log}, "\x04never");
  CHECK(all.find(" DEBUG ") != std::string::npos);
  CHECK(all.find("not shown") == std::string::npos);
}

}  // namespace pkgly_trail
