#include "pkgly_trail/sink/output_stream.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "sink/capture.hpp"

using namespace pkgly_trail;
using pkgly_trail::testing::IgnoreSigpipe;
using pkgly_trail::testing::PipeFds;

TEST_CASE("flush writes the buffer to the descriptor and empties it") {
  PipeFds pipe;
  OutputStream out(pipe.write_fd());
  fmt::format_to(std::back_inserter(out.buffer()), "hello {}\n", 42);
  CHECK(pipe.drain().empty());  // buffered until flushed
  CHECK(out.flush());
  CHECK(out.buffer().size() == 0);
  CHECK(pipe.drain() == "hello 42\n");
  CHECK_FALSE(out.failed());
  CHECK_FALSE(out.broken_pipe());
}

TEST_CASE("maybe_flush writes only past the threshold") {
  PipeFds pipe;
  OutputStream out(pipe.write_fd(), 8);
  out.buffer().append(std::string_view("1234567"));
  out.maybe_flush();
  CHECK(pipe.drain().empty());
  out.buffer().push_back('8');
  out.maybe_flush();
  CHECK(pipe.drain() == "12345678");
}

TEST_CASE("the destructor flushes what is left") {
  PipeFds pipe;
  {
    OutputStream out(pipe.write_fd());
    out.buffer().append(std::string_view("tail\n"));
  }
  CHECK(pipe.drain() == "tail\n");
}

TEST_CASE("large blocks survive partial writes into a slow pipe") {
  PipeFds pipe;
  std::string expected;
  for (int i = 0; expected.size() < 1024 * 1024; ++i) expected += fmt::format("line {}\n", i);
  std::string received;
  std::thread reader([&] {
    char chunk[1000];  // small reads: the writer sees a full pipe and partial writes
    while (received.size() < expected.size()) {
      const ssize_t n = ::read(pipe.read_fd(), chunk, sizeof chunk);
      if (n > 0) received.append(chunk, n);
      if (n < 0) std::this_thread::yield();
    }
  });
  OutputStream out(pipe.write_fd());
  out.buffer().append(expected);
  const bool ok = out.flush();
  reader.join();
  CHECK(ok);
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}

TEST_CASE("a reader that went away is a broken pipe - not an error") {
  IgnoreSigpipe ignore;
  PipeFds pipe;
  pipe.close_read();
  OutputStream out(pipe.write_fd());
  out.buffer().append(std::string_view("lost\n"));
  CHECK_FALSE(out.flush());
  CHECK(out.broken_pipe());
  CHECK_FALSE(out.failed());
  CHECK(out.error().empty());
  // Later output is discarded without trying again.
  out.buffer().append(std::string_view("more\n"));
  CHECK_FALSE(out.flush());
  CHECK(out.buffer().size() == 0);
}

TEST_CASE("a failing device is an error with the system's reason") {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  {
    OutputStream out(fd);
    out.buffer().append(std::string_view("data\n"));
    CHECK_FALSE(out.flush());
    CHECK(out.failed());
    CHECK_FALSE(out.broken_pipe());
    CHECK(out.error() == "write error: No space left on device");
    out.buffer().append(std::string_view("more\n"));
    CHECK_FALSE(out.flush());
    CHECK(out.buffer().size() == 0);
  }
  ::close(fd);
}

TEST_CASE("a bad descriptor is an error too") {
  OutputStream out(-1);
  out.buffer().push_back('x');
  CHECK_FALSE(out.flush());
  CHECK(out.error() == "write error: Bad file descriptor");
}
