// --follow across a rotation: a writer process appends, logrotate-style renames, starts a new
// file, and truncates; every line is read exactly once, in order.
#include "pkgly_trail/input/follow.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pkgly_trail {
namespace {

struct Collect : LineHandler {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::vector<std::string> problems;
  std::size_t want = 0;
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);

  void on_line(const InputLine& line) override {
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

// The lines read are "line 1" ... "line COUNT", each once, in order.
void check_lines_once(const std::vector<std::string>& lines, int count) {
  REQUIRE(lines.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    CHECK(lines[static_cast<std::size_t>(i)] == "line " + std::to_string(i + 1));
}

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

  check_lines_once(collect.lines, 300);
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

namespace pkgly_trail {
namespace {

struct CollectByFile : Collect {
  std::vector<std::string> inputs;
  void on_line(const InputLine& line) override {
    Collect::on_line(line);
    std::lock_guard<std::mutex> lock(mutex);
    inputs.emplace_back(line.input);
  }
};

}  // namespace

TEST_CASE("follow-dir reads a rolling logger's files and picks up new ones", "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-dir-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string day1 = dir + "/pkgly.log.2025-11-20";
  const std::string day2 = dir + "/pkgly.log.2025-11-21";
  const std::string day3 = dir + "/pkgly.log.2025-11-22";
  append_lines(day2, 51, 100);
  append_lines(day1, 1, 50);
  // Oldest first is by modification time, not by name or creation order.
  const timespec older[2] = {{1000, 0}, {1000, 0}};
  const timespec newer[2] = {{2000, 0}, {2000, 0}};
  ::utimensat(AT_FDCWD, day1.c_str(), older, 0);
  ::utimensat(AT_FDCWD, day2.c_str(), newer, 0);
  append_lines(dir + "/other.log", 1000, 1010);  // not the prefix
  std::system(("printf 'x' | gzip > " + dir + "/pkgly.log.2025-11-19.gz").c_str());

  CollectByFile collect;
  collect.want = 200;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(day2, 101, 120);  // the current file grows
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // logrotate compresses yesterday's file: a new .gz, the original deleted.
    std::system(("gzip -k " + day1 + " && rm " + day1).c_str());
    // The logger rolls over to a new file; a rename inside the directory reads nothing twice.
    append_lines(day3, 121, 180);
    std::rename(day2.c_str(), (day2 + ".old").c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(day3, 181, 200);
  });
  follow_directory({dir, "pkgly.log"}, collect, FollowOptions{std::chrono::milliseconds(50), {}});
  writer.join();

  check_lines_once(collect.lines, 200);
  CHECK(collect.inputs.front() == day1);
  CHECK(collect.inputs.back() == day3);
  REQUIRE(collect.problems.size() == 1);  // the .gz there at start, once
  CHECK(collect.problems[0].find("1 compressed file") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow-dir on a missing directory says so and returns", "[input][follow]") {
  Collect collect;
  collect.want = 1;
  follow_directory({"/nonexistent/pkgly-trail-dir", "pkgly.log"}, collect);
  REQUIRE(collect.problems.size() == 1);
  CHECK(collect.problems[0].find("cannot open") != std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("follow-dir with logrotate copytruncate reads every line once", "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-copy-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  append_lines(log, 1, 50);

  CollectByFile collect;
  collect.want = 150;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int round = 0; round < 2; ++round) {
      // Lines written just before the copy may reach only the copy.
      append_lines(log, 51 + 40 * round, 90 + 40 * round);
      // logrotate copytruncate: copy to a new file (a new inode), then cut the original.
      const std::string copy = log + "." + std::to_string(round + 1);
      std::system(("cp " + log + " " + copy).c_str());
      ::truncate(log.c_str(), 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    append_lines(log, 131, 150);
  });
  follow_directory({dir, "pkgly.log"}, collect, FollowOptions{std::chrono::milliseconds(50), {}});
  writer.join();
  // Anything read twice would be here before line 150.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  check_lines_once(collect.lines, 150);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow-dir: a copy seen before its original is truncated gives no line twice",
          "[input][follow]") {
  // copytruncate copies, then truncates; the follower may look in between. Lines written just
  // before the copy are then in both files, unread: they come from the original while it has
  // them, and the copy supplies only what the truncation took from the original.
  char dir_template[] = "/tmp/pkgly-trail-follow-between-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  append_lines(log, 1, 50);
  CollectByFile collect;
  collect.want = 120;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(log, 51, 90);  // not read yet when the copy appears
    std::system(("cp " + log + " " + log + ".1").c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the follower looks
    ::truncate(log.c_str(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    append_lines(log, 91, 120);
  });
  follow_directory({dir, "pkgly.log"}, collect, FollowOptions{std::chrono::milliseconds(50), {}});
  writer.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  INFO("read: " << collect.lines.size() << " lines");
  check_lines_once(collect.lines, 120);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow-dir: a copy of lines not read yet gives no line twice", "[input][follow]") {
  // After a rotation the follower has read nothing of the original's new content. Lines are
  // written and copied within one pause, so the next directory scan finds the copy before the
  // original's new lines are read: they must come from one of the two files only.
  char dir_template[] = "/tmp/pkgly-trail-follow-unread-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  append_lines(log, 1, 10);
  CollectByFile collect;
  collect.want = 60;
  const auto pause = std::chrono::milliseconds(400);
  std::thread writer([&] {
    std::this_thread::sleep_for(pause / 2);  // lines 1-10 are read
    ::truncate(log.c_str(), 0);              // a rotation without a copy: nothing to read
    std::this_thread::sleep_for(pause);      // the follower sees the file empty
    append_lines(log, 11, 50);
    std::system(("cp " + log + " " + log + ".1").c_str());
    std::this_thread::sleep_for(pause * 2);  // a scan sees the copy, then the original is read
    ::truncate(log.c_str(), 0);
    std::this_thread::sleep_for(pause * 2);
    append_lines(log, 51, 60);
  });
  follow_directory({dir, "pkgly.log"}, collect, FollowOptions{pause, {}});
  writer.join();
  std::this_thread::sleep_for(pause);
  std::string sources;
  for (std::size_t i = 0; i < collect.lines.size(); ++i)
    sources += collect.inputs[i] + ": " + collect.lines[i] + "\n";
  INFO(sources);
  check_lines_once(collect.lines, 60);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow reads a file truncated and rewritten larger within one check from its start",
          "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-rewrite-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string log = dir + "/pkgly.log";
  std::string before;
  for (int i = 1; i <= 20; ++i) before += "2025-11-20T10:00:00Z before " + std::to_string(i) + "\n";
  std::string after;
  for (int i = 1; i <= 40; ++i) after += "2025-11-21T08:00:00Z after " + std::to_string(i) + "\n";
  REQUIRE(after.size() > before.size());
  {
    std::FILE* out = std::fopen(log.c_str(), "w");
    std::fputs(before.c_str(), out);
    std::fclose(out);
  }

  Collect collect;
  collect.want = 60;
  collect.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::thread writer([&] {
    // The follower read the 20 lines at once and now waits 400 ms: cut and rewrite within it.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::FILE* out = std::fopen(log.c_str(), "w");  // truncates
    std::fputs(after.c_str(), out);
    std::fclose(out);
  });
  follow_files({log}, collect, FollowOptions{std::chrono::milliseconds(400), {}});
  writer.join();

  REQUIRE(collect.lines.size() == 60);
  CHECK(collect.lines[0] == "2025-11-20T10:00:00Z before 1");
  CHECK(collect.lines[19] == "2025-11-20T10:00:00Z before 20");
  CHECK(collect.lines[20] == "2025-11-21T08:00:00Z after 1");
  CHECK(collect.lines[59] == "2025-11-21T08:00:00Z after 40");
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("follow reads a gzip file once decompressed and says so", "[input][follow]") {
  char dir_template[] = "/tmp/pkgly-trail-follow-gzip-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string archive = dir + "/pkgly.log.1";
  append_lines(archive, 1, 30);
  std::system(("gzip " + archive).c_str());
  const std::string log = dir + "/pkgly.log";
  append_lines(log, 31, 40);

  Collect collect;
  collect.want = 40;
  collect.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  follow_files({archive + ".gz", log}, collect, FollowOptions{std::chrono::milliseconds(50), {}});

  check_lines_once(collect.lines, 40);
  REQUIRE(collect.problems.size() == 1);
  CHECK(collect.problems[0].find("gzip-compressed: read once, decompressed") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace pkgly_trail
