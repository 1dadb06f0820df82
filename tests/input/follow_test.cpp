// --follow across a rotation: a writer process appends, logrotate-style renames, starts a new
// file, and truncates; every line is read exactly once, in order.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pkgly_trail/input/follow.hpp"

namespace pkgly_trail {
namespace {

struct Collect : FollowedLineHandler {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::vector<std::string> problems;
  std::size_t want = 0;
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);

  void on_line(std::string_view, const InputLine& line) override {
    std::lock_guard<std::mutex> lock(mutex);
    lines.emplace_back(line.text);
  }
  void on_problem(std::string_view, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mutex);
    problems.emplace_back(message);
  }
  bool should_stop() const override {
    std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(mutex));
    return lines.size() >= want || std::chrono::steady_clock::now() > deadline;
  }
};

void append_lines(const std::string& path, int from, int to) {
  std::FILE* out = std::fopen(path.c_str(), "a");
  for (int i = from; i <= to; ++i) {
    std::fprintf(out, "line %d\n", i);
    if (i % 10 == 0) {
      std::fflush(out);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::fclose(out);
}

}  // namespace

TEST_CASE("follow reads a growing file through rename and truncate rotations", "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  append_lines(log, 1, 50);  // there before following starts

  Collect collect;
  collect.want = 300;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(log, 51, 100);
    // logrotate: rename, then the application opens a new file.
    std::rename(log.c_str(), (log + ".1").c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(log, 101, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    // copytruncate: the file is cut to zero in place and written again.
    ::truncate(log.c_str(), 0);
    append_lines(log, 201, 300);
  });
  follow_files({log}, collect, FollowOptions{std::chrono::milliseconds(50), {}});
  writer.join();

  REQUIRE(collect.lines.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(collect.lines[static_cast<std::size_t>(i)] == "line " + std::to_string(i + 1));
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow waits for a file that does not exist yet", "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/later.log";
  Collect collect;
  collect.want = 20;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(log, 1, 20);
  });
  follow_files({log}, collect, FollowOptions{std::chrono::milliseconds(50), {}});
  writer.join();
  CHECK(collect.lines.size() == 20);
  REQUIRE(collect.problems.size() == 1);  // reported once, not at every check
  CHECK(collect.problems[0].find("waiting") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace pkgly_trail
