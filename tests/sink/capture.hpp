#pragma once
// An OutputStream writing into a pipe that the test reads back, so sink tests see exactly the
// bytes that reach the file descriptor (after flush), not just the buffer.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "pkgly_trail/sink/output_stream.hpp"

namespace pkgly_trail::testing {

// main() ignores SIGPIPE so a closed reader shows up as EPIPE; a test of that does the same.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() { previous_ = ::signal(SIGPIPE, SIG_IGN); }
  ~IgnoreSigpipe() { ::signal(SIGPIPE, previous_); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

class PipeFds {
 public:
  PipeFds() {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe failed");
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~PipeFds() {
    close_read();
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  PipeFds(const PipeFds&) = delete;
  PipeFds& operator=(const PipeFds&) = delete;
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void close_read() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  // Everything written so far (the pipe must not have filled up: tests stay under 64 KiB).
  std::string drain() const {
    std::string text;
    char chunk[4096];
    for (ssize_t n; (n = ::read(fds_[0], chunk, sizeof chunk)) > 0;) text.append(chunk, n);
    return text;
  }

 private:
  int fds_[2] = {-1, -1};
};

struct Capture {
  PipeFds pipe;
  OutputStream out{pipe.write_fd()};  // declared last: destroyed (and flushed) first

  std::string flushed() {
    out.flush();
    return pipe.drain();
  }
};

}  // namespace pkgly_trail::testing
