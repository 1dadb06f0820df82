#pragma once
// A throwaway PostgreSQL server for each test that needs one: its own initdb in a fresh /tmp
// directory, its own port, trust authentication on 127.0.0.1, removed by the destructor. Nothing
// is shared between two clusters, so ctest -j may run such tests side by side. Benchmarks and
// people trying --postgres by hand use scripts/postgres-cluster.sh instead.
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/skip.hpp"

namespace pkgly_trail::testing {

namespace postgres_detail {

struct Finished {
  int status = -1;  // exit code, -1 when killed by a signal
  std::string out;
  std::string err;
};

// fork/exec rather than std::system: SQL needs no shell quoting, and the child starts in `cwd`
// (as root, initdb and pg_ctl run as `postgres`, who cannot enter root's working directory).
inline Finished run(const std::vector<std::string>& args, const std::string& cwd) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  }
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (::chdir(cwd.c_str()) == 0) ::execvp(argv[0], argv.data());
    const char message[] = "cannot start the program (chdir or exec failed)\n";
    [[maybe_unused]] const ssize_t ignored = ::write(2, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  Finished finished;
  // Both pipes at once: a child that fills one while we block on the other would hang.
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&finished.out, &finished.err};
  for (int open = 2; open > 0 && pid > 0;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0) {
        sinks[i]->append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (const pollfd& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);
  if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  finished.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return finished;
}

inline std::string sh_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline bool is_program(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// The newest /usr/lib/postgresql/VERSION/bin (Debian keeps server binaries off PATH), else
// `pg_config --bindir`; "" when neither has initdb.
inline std::string server_bindir() {
  std::vector<std::string> found;
  glob_t matches{};
  if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &matches) == 0)
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) found.emplace_back(matches.gl_pathv[i]);
  ::globfree(&matches);
  const auto version = [](const std::string& initdb) {
    return std::atof(initdb.c_str() + std::strlen("/usr/lib/postgresql/"));
  };
  std::sort(found.begin(), found.end(),
            [&](const std::string& a, const std::string& b) { return version(a) < version(b); });
  if (!found.empty()) return std::filesystem::path(found.back()).parent_path();
  std::string bindir;
  if (std::FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    char line[4096];
    if (std::fgets(line, sizeof line, pipe) != nullptr) bindir = line;
    ::pclose(pipe);
  }
  while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == '\r')) bindir.pop_back();
  return is_program(bindir + "/initdb") ? bindir : "";
}

inline std::string psql_path(const std::string& bindir) {
  if (is_program(bindir + "/psql")) return bindir + "/psql";
  return is_program("/usr/bin/psql") ? "/usr/bin/psql" : "";
}

inline std::string tail(const std::string& text, std::size_t bytes = 3000) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

}  // namespace postgres_detail

class PostgresCluster {
 public:
  // Why no cluster can be made here ("initdb not found"), empty when one can.
  static std::string unavailable_reason() {
    const std::string bindir = postgres_detail::server_bindir();
    if (bindir.empty())
      return "PostgreSQL server binaries not found: no /usr/lib/postgresql/*/bin/initdb and "
             "`pg_config --bindir` has none (Debian: apt-get install postgresql)";
    if (!postgres_detail::is_program(bindir + "/pg_ctl"))
      return "no pg_ctl beside " + bindir + "/initdb";
    if (postgres_detail::psql_path(bindir).empty())
      return "psql not found in " + bindir + " or /usr/bin (Debian: postgresql-client)";
    if (::geteuid() == 0) {
      // initdb refuses to run as root.
      if (::getpwnam("postgres") == nullptr) return "running as root and there is no postgres user";
      if (!have_program("runuser")) return "running as root and runuser is not installed";
    }
    return "";
  }

  // initdb into a fresh directory under /tmp, then start on a free port. Throws
  // std::runtime_error (with initdb's output or the server log's tail) on failure.
  PostgresCluster() {
    const std::string why = unavailable_reason();
    if (!why.empty()) throw std::runtime_error("no PostgreSQL cluster: " + why);
    bindir_ = postgres_detail::server_bindir();
    psql_ = postgres_detail::psql_path(bindir_);
    char dir_template[] = "/tmp/pkgly-trail-pg-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr)
      throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    dir_ = dir_template;
    try {
      if (::geteuid() == 0) {
        const passwd* user = ::getpwnam("postgres");
        if (::chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0)
          throw std::runtime_error("chown " + dir_ + ": " + std::strerror(errno));
      }
      start_watchdog();
      // -N: no fsync of the new files; C locale and UTF8: the same results on every machine.
      const auto initdb =
          postgres_detail::run(as_server({bindir_ + "/initdb", "-D", data_dir(), "-A", "trust",
                                          "-N", "-U", "postgres", "-E", "UTF8", "--locale=C"}),
                               dir_);
      if (initdb.status != 0)
        throw std::runtime_error("initdb failed (exit " + std::to_string(initdb.status) + "):\n" +
                                 postgres_detail::tail(initdb.out + initdb.err));
      // The port is free when we look, but another process may take it before postgres binds.
      for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        bool port_taken = false;
        const std::string failure = launch(port_taken);
        if (failure.empty()) break;
        if (!port_taken || attempt == 5) throw std::runtime_error(failure);
      }
    } catch (...) {
      shut_down();
      throw;
    }
  }

  // Stops the server (immediate mode, killed if that fails) and removes the directory.
  ~PostgresCluster() {
    try {
      shut_down();
    } catch (...) {
    }
  }

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  std::uint16_t port() const { return port_; }

  // "host=127.0.0.1 port=N user=postgres dbname=NAME connect_timeout=5"
  std::string conninfo(const std::string& dbname = "postgres") const {
    // libpq reads a value with a space, quote or backslash only in single quotes.
    std::string value = dbname;
    if (dbname.empty() || dbname.find_first_of(" '\\") != std::string::npos) {
      value = "'";
      for (char c : dbname)
        value += (c == '\'' || c == '\\') ? std::string{'\\', c} : std::string{c};
      value += "'";
    }
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + value +
           " connect_timeout=5";
  }

  // CREATE DATABASE name; returns conninfo(name).
  std::string create_database(const std::string& name) {
    std::string identifier = "\"";
    for (char c : name) identifier += c == '"' ? std::string("\"\"") : std::string(1, c);
    query("postgres", "CREATE DATABASE " + identifier + "\"");
    return conninfo(name);
  }

  // Runs SQL in dbname with psql (unaligned, tuples only); returns its stdout without the final
  // newline. Throws std::runtime_error with psql's stderr when psql fails.
  std::string query(const std::string& dbname, const std::string& sql) const {
    auto result = postgres_detail::run(
        {psql_, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo(dbname), "-c", sql},
        dir_);
    if (result.status != 0)
      throw std::runtime_error("psql failed (exit " + std::to_string(result.status) + ") on `" +
                               sql + "`: " + result.err);
    if (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
    return result.out;
  }

  // Returns when the server is down (pg_ctl -w).
  void stop() {
    const auto result = postgres_detail::run(
        as_server({bindir_ + "/pg_ctl", "stop", "-D", data_dir(), "-m", "fast", "-w"}), dir_);
    if (result.status != 0)
      throw std::runtime_error("pg_ctl stop failed: " + result.out + result.err);
  }

  // On the same port as before.
  void start() {
    bool port_taken = false;
    const std::string failure = launch(port_taken);
    if (!failure.empty()) throw std::runtime_error(failure);
  }

  void restart() {
    stop();
    start();
  }

  // The cluster's data directory (owned by the server's user), for files a test gives the
  // server (TLS certificates).
  std::string data_dir() const { return dir_ + "/data"; }

 private:
  std::string log_file() const { return dir_ + "/server.log"; }

  std::vector<std::string> as_server(std::vector<std::string> args) const {
    if (::geteuid() == 0) args.insert(args.begin(), {"runuser", "-u", "postgres", "--"});
    return args;
  }

  // What the kernel hands out for port 0 is free now; postgres binds it a moment later.
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (!ok)
      throw std::runtime_error("no free port on 127.0.0.1: " + std::string(std::strerror(error)));
    return ntohs(address.sin_port);
  }

  // pg_ctl start on port_; "" when the server runs, else why not (with this start's log).
  std::string launch(bool& port_taken) {
    std::error_code ignored;
    const auto log_start = std::filesystem::file_size(log_file(), ignored);
    // Small footprint and no durability: a test's data lives as long as the test.
    const std::string options = "-p " + std::to_string(port_) + " -h 127.0.0.1 -k " + dir_ +
                                " -F -c shared_buffers=16MB -c max_connections=40"
                                " -c synchronous_commit=off -c full_page_writes=off";
    const auto result =
        postgres_detail::run(as_server({bindir_ + "/pg_ctl", "start", "-D", data_dir(), "-l",
                                        log_file(), "-w", "-o", options}),
                             dir_);
    if (result.status == 0) return "";
    std::ifstream in(log_file());
    std::stringstream log;
    log << in.rdbuf();
    std::string text = log.str();
    text = log_start == static_cast<std::uintmax_t>(-1) || log_start > text.size()
               ? text
               : text.substr(log_start);
    port_taken = text.find("Address already in use") != std::string::npos;
    return "pg_ctl start on port " + std::to_string(port_) + " failed: " + result.out + result.err +
           "the server log ends:\n" + postgres_detail::tail(text);
  }

  // If this process dies without the destructor (a crash, std::exit in skip(), a ctest
  // timeout), its server would run on. The watchdog, a shell outside this process's tree and
  // session (so killing the tree spares it), waits for EOF on a pipe whose only write end this
  // process holds (O_CLOEXEC keeps it out of every child), then stops the server.
  void start_watchdog() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    const std::string pg_ctl = postgres_detail::sh_quote(bindir_ + "/pg_ctl");
    const std::string data = postgres_detail::sh_quote(data_dir());
    const std::string dir = postgres_detail::sh_quote(dir_);
    const std::string user = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    const std::string script = "cat >/dev/null; [ -d " + dir + " ] || exit 0; cd " + dir + "; " +
                               user + pg_ctl + " stop -D " + data + " -m immediate -w -t 10 || " +
                               "kill -KILL \"$(head -n 1 " + data + "/postmaster.pid)\"; " +
                               "cd /; rm -rf " + dir;
    const pid_t middle = ::fork();
    if (middle == 0) {
      ::setsid();
      if (::fork() != 0) ::_exit(0);  // the watchdog is reparented away from this process
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(fds[0], 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    if (middle < 0) {
      ::close(fds[1]);
      throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
    }
    watchdog_fd_ = fds[1];
    int ignored = 0;
    while (::waitpid(middle, &ignored, 0) < 0 && errno == EINTR) {
    }
  }

  void shut_down() {
    const std::string pid_file = data_dir() + "/postmaster.pid";
    if (::access(pid_file.c_str(), F_OK) == 0) {
      try {
        postgres_detail::run(as_server({bindir_ + "/pg_ctl", "stop", "-D", data_dir(), "-m",
                                        "immediate", "-w", "-t", "10"}),
                             dir_);
      } catch (...) {
      }
      // pg_ctl -w returns once the pid file is gone; still there means the stop failed. The
      // children notice the postmaster's death and exit on their own.
      std::ifstream pid_in(pid_file);
      long pid = 0;
      std::string name;
      if (pid_in >> pid && pid > 1)
        std::getline(std::ifstream("/proc/" + std::to_string(pid) + "/comm"), name);
      if (name == "postgres") ::kill(static_cast<pid_t>(pid), SIGKILL);  // not a reused pid
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    if (watchdog_fd_ >= 0) ::close(watchdog_fd_);  // the watchdog finds no directory and exits
    watchdog_fd_ = -1;
  }

  std::string bindir_;
  std::string psql_;
  std::string dir_;
  std::uint16_t port_ = 0;
  int watchdog_fd_ = -1;
};

// Skips the test (tagged [may-skip]) when no cluster can be made here; fails under CI=true.
inline void require_postgres() {
  const std::string why = PostgresCluster::unavailable_reason();
  if (!why.empty()) skip(why);
}

}  // namespace pkgly_trail::testing
