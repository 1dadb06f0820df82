#pragma once
// pkgly-trail running beside a test, for what run_trail cannot show: live pipes, following,
// Ctrl-C. Its stdin is a pipe the test writes (or /dev/null), its stdout a pipe the test reads
// (or a file), its stderr the test's own unless `err_file` names a file.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pkgly_trail::testing {

// Where its standard streams go. By default stdin and stdout are pipes the test holds and
// stderr is the test's own.
struct LiveSetup {
  bool stdin_pipe = true;  // false: stdin is /dev/null
  std::string out_file;    // empty: stdout is a pipe the test reads
  std::string err_file;    // empty: stderr is the test's
  LiveSetup& no_input() {
    stdin_pipe = false;
    return *this;
  }
  LiveSetup& out_to(std::string path) {
    out_file = std::move(path);
    return *this;
  }
  LiveSetup& err_to(std::string path) {
    err_file = std::move(path);
    return *this;
  }
};

class LiveTrail {
 public:
  explicit LiveTrail(const std::vector<std::string>& args, const LiveSetup& setup = {}) {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    if (setup.stdin_pipe) REQUIRE(::pipe(in) == 0);
    if (setup.out_file.empty()) REQUIRE(::pipe(out) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int stdin_fd = setup.stdin_pipe ? in[0] : ::open("/dev/null", O_RDONLY);
      const int stdout_fd = setup.out_file.empty() ? out[1]
                                                   : ::open(setup.out_file.c_str(),
                                                            O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(stdin_fd, STDIN_FILENO);
      ::dup2(stdout_fd, STDOUT_FILENO);
      if (!setup.err_file.empty())
        ::dup2(::open(setup.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
      for (int fd : {in[0], in[1], out[0], out[1]})
        if (fd >= 0) ::close(fd);
      std::vector<char*> argv{const_cast<char*>("pkgly-trail")};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      ::execv(PKGLY_TRAIL_BINARY, argv.data());
      ::_exit(127);
    }
    if (in[0] >= 0) ::close(in[0]);
    if (out[1] >= 0) ::close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
  }
  LiveTrail(const LiveTrail&) = delete;
  LiveTrail& operator=(const LiveTrail&) = delete;
  // A process still running (a test that failed half-way) is killed and reaped.
  ~LiveTrail() {
    close_input();
    if (from_child_ >= 0) ::close(from_child_);
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Writes all of `text` to its stdin.
  void send(std::string_view text) const {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t put = ::write(to_child_, text.data() + done, text.size() - done);
      REQUIRE(put > 0);
      done += static_cast<std::size_t>(put);
    }
  }
  // End of its input.
  void close_input() {
    if (to_child_ >= 0) ::close(to_child_);
    to_child_ = -1;
  }

  // Reads its stdout into out() until `enough(out())` or `within` has passed; returns out().
  const std::string& read_until(const std::function<bool(const std::string&)>& enough,
                                std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!enough(out_) && std::chrono::steady_clock::now() < deadline) {
      pollfd p{from_child_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::read(from_child_, buffer, sizeof buffer);
      if (n <= 0) break;
      out_.append(buffer, static_cast<std::size_t>(n));
    }
    return out_;
  }
  // What came out since the last take_line, once that holds a whole line (or `within` passed).
  std::string take_line(std::chrono::milliseconds within) {
    read_until([this](const std::string& out) { return out.find('\n', taken_) != out.npos; },
               within);
    std::string fresh = out_.substr(taken_);
    taken_ = out_.size();
    return fresh;
  }
  const std::string& out() const noexcept { return out_; }

  void signal(int sig) const { ::kill(pid_, sig); }
  // Waits, up to `within`, until it catches `sig` itself (its handler is installed: SigCgt in
  // /proc/PID/status) and has read all that was sent to its stdin; false if it has not by
  // then. A signal sent sooner kills it, or ends its input before the last lines: a fixed
  // sleep instead is too short on a loaded machine (a sanitizer build beside another build).
  bool wait_until_ready_for(int sig, std::chrono::milliseconds within) const {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!(catches(sig) && stdin_drained())) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      ::poll(nullptr, 0, 10);
    }
    return true;
  }
  // Waits for it to end: its exit status, or minus the signal that killed it (so 130 is an
  // exit with 130, as after a handled Ctrl-C, and -2 death by an unhandled SIGINT).
  // `usage`: what it used (its peak RSS: ru_maxrss, KiB).
  int wait(struct rusage* usage = nullptr) {
    int status = 0;
    ::wait4(pid_, &status, 0, usage);
    reaped_ = true;
    return decoded(status);
  }
  // As wait(), if it has ended within `within`; else nothing (it keeps running).
  std::optional<int> wait_for(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return decoded(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      ::poll(nullptr, 0, 20);
    }
  }

  // Waits, up to `within`, until it holds `path` open (a link in /proc/PID/fd); false if it does
  // not by then. A test that renames a followed file must not do it before.
  bool wait_until_open(const std::string& path, std::chrono::milliseconds within) const {
    char* wanted = ::realpath(path.c_str(), nullptr);
    if (wanted == nullptr) return false;
    const std::string target = wanted;
    std::free(wanted);
    const std::string fds = "/proc/" + std::to_string(pid_) + "/fd/";
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
      for (int fd = 0; fd < 64; ++fd) {
        char link[4096];
        const ssize_t size = ::readlink((fds + std::to_string(fd)).c_str(), link, sizeof link - 1);
        if (size > 0 && std::string_view(link, static_cast<std::size_t>(size)) == target)
          return true;
      }
      if (std::chrono::steady_clock::now() >= deadline) return false;
      ::poll(nullptr, 0, 10);
    }
  }

 private:
  bool catches(int sig) const {
    // Before execv the child is a copy of the test binary, whose Catch2 catches SIGINT too.
    char exe[4096];
    const ssize_t size =
        ::readlink(("/proc/" + std::to_string(pid_) + "/exe").c_str(), exe, sizeof exe - 1);
    char* binary = ::realpath(PKGLY_TRAIL_BINARY, nullptr);
    const bool execed = size > 0 && binary != nullptr &&
                        std::string_view(exe, static_cast<std::size_t>(size)) == binary;
    std::free(binary);
    if (!execed) return false;
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("SigCgt:", 0) == 0)
        return (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1) & 1) != 0;
    return false;
  }
  // Nothing waits in the pipe to its stdin (FIONREAD counts a pipe's bytes from either end).
  bool stdin_drained() const {
    int waiting = 0;
    return to_child_ < 0 || (::ioctl(to_child_, FIONREAD, &waiting) == 0 && waiting == 0);
  }

  static int decoded(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  bool reaped_ = false;
  std::string out_;
  std::size_t taken_ = 0;
};

}  // namespace pkgly_trail::testing
