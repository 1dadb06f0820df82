#include "cli/pager.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace pkgly_trail::cli {

namespace {

bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    std::string candidate(dirs.substr(0, colon));
    candidate.append("/").append(program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
  }
  return false;
}

// The command to run through /bin/sh, or nothing: PAGER as set (empty or `cat` = no pager),
// else `less` when it is installed.
std::optional<std::string> pager_command() {
  if (const char* pager = std::getenv("PAGER")) {
    const std::string_view command(pager);
    if (command.empty() || command == "cat") return std::nullopt;
    return std::string(command);
  }
  if (!on_path("less")) return std::nullopt;
  return std::string("less");
}

// Long output is worth a pager; a live stream is not (the pager would hold it back), and
// generated scripts or reports written to files never reach the terminal.
bool wants_pager(const Options& options, const Screen& screen) {
  if (options.no_pager || !screen.stdout_terminal || options.follow) return false;
  if (options.command == Command::Completions || options.command == Command::Man) return false;
  if (options.command == Command::Report && !options.report_out_dir.empty()) return false;
  if (!options.sqlite.empty()) return false;  // join --sqlite writes a database, not stdout
  return reads_only_files(options);           // not stdin: usually `docker compose logs -f | ...`
}

}  // namespace

std::unique_ptr<Pager> Pager::start(const Options& options, const Screen& screen) {
  if (!wants_pager(options, screen)) return nullptr;
  const std::optional<std::string> command = pager_command();
  if (!command) return nullptr;
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return nullptr;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(ends[0]);
    ::close(ends[1]);
    return nullptr;
  }
  if (pid == 0) {
    ::dup2(ends[0], STDIN_FILENO);
    ::setenv("LESS", "FRX", /*overwrite=*/0);
    ::setenv("LV", "-c", 0);
    // The pager decides what Ctrl-C means to it; pkgly-trail's handler is not its business.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", command->c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::dup2(ends[1], STDOUT_FILENO);
  ::close(ends[0]);
  ::close(ends[1]);
  return std::unique_ptr<Pager>(new Pager(pid));
}

Pager::~Pager() {
  ::close(STDOUT_FILENO);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace pkgly_trail::cli
