#pragma once
// What the input-stage tests share: a scratch directory, gzip made in memory with zlib, a pipe
// fed by a writer thread in pieces, and a handler that keeps every line it is given.
#include <sys/ioctl.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pkgly_trail/input/line_reader.hpp"

namespace pkgly_trail::input_testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "pkgly-trail-input-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = file(name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
    return path;
  }

 private:
  std::filesystem::path path_;
};

// One gzip member holding `text`, as `gzip -<level>` writes it (level 0: stored, so the
// compressed size is about the text's).
inline std::string gzip_member(const std::string& text, int level = 6) {
  z_stream zlib{};
  REQUIRE(deflateInit2(&zlib, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zlib, static_cast<uLong>(text.size())), '\0');
  zlib.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zlib.avail_in = static_cast<uInt>(text.size());
  zlib.next_out = reinterpret_cast<Bytef*>(out.data());
  zlib.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zlib, Z_FINISH) == Z_STREAM_END);
  out.resize(zlib.total_out);
  deflateEnd(&zlib);
  return out;
}

// Log-like lines of varied length and little redundancy, about `bytes` long, ending in '\n'.
inline std::string varied_lines(std::size_t bytes, unsigned seed) {
  std::mt19937_64 random(seed);
  std::string text;
  text.reserve(bytes + 512);
  std::uint64_t number = 0;
  while (text.size() < bytes) {
    text += "2025-11-20T10:15:30.123456Z  INFO pkgly::audit: line ";
    text += std::to_string(++number);
    const std::size_t words = random() % 24;
    for (std::size_t i = 0; i < words; ++i) {
      text += ' ';
      text += std::to_string(random());
    }
    text += '\n';
  }
  return text;
}

// Keeps every line, and when on_idle was called.
class LineCollector : public LineHandler {
 public:
  void on_line(const InputLine& line) override {
    text.append(line.text);
    text.push_back('\n');
    ++lines;
  }
  void on_idle() override { idle_at.push_back(std::chrono::steady_clock::now()); }

  std::string text;  // every line, each followed by '\n'
  std::size_t lines = 0;
  std::vector<std::chrono::steady_clock::time_point> idle_at;
};

struct ReadOutcome {
  bool ok = false;
  std::string error;
  std::uint64_t bytes_read = 0;
  std::uint64_t lines_truncated = 0;
  std::string sha256;  // "" unless ReadLimits::sha256
};

inline ReadOutcome read_named(const std::string& name, LineHandler& handler,
                              ReadLimits limits = {}) {
  const auto reader = LineReader::open(name, limits);
  REQUIRE(reader->name() == name);
  ReadOutcome outcome;
  outcome.ok = reader->read_lines(handler);
  outcome.error = reader->error();
  outcome.bytes_read = reader->bytes_read();
  outcome.lines_truncated = reader->lines_truncated();
  outcome.sha256 = reader->sha256();
  return outcome;
}

// How the writer thread of read_through_pipe paces its pieces.
struct Pacing {
  // Before each piece after the first, wait until the reader has taken every byte written so
  // far: each piece then reaches the reader as a read of its own (up to the pipe's size).
  bool wait_for_reader = true;
  std::chrono::microseconds pause{0};  // then sleep this long
  // If set, gets the time each piece began to be written, one entry a piece.
  std::vector<std::chrono::steady_clock::time_point>* written_at = nullptr;
};

// Writes `pieces` into a pipe from a thread and reads it through /dev/fd, as the CLI reads
// `zcat x.gz | pkgly-trail` (a real pipe: the reader cannot seek or stat a size).
inline ReadOutcome read_through_pipe(const std::vector<std::string>& pieces, LineHandler& handler,
                                     Pacing pacing = {}, ReadLimits limits = {}) {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  if (pacing.written_at != nullptr) pacing.written_at->assign(pieces.size(), {});
  std::thread writer([&] {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0 && pacing.wait_for_reader) {
        int queued = 1;
        while (::ioctl(ends[0], FIONREAD, &queued) == 0 && queued > 0)
          std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      if (i > 0 && pacing.pause.count() > 0) std::this_thread::sleep_for(pacing.pause);
      if (pacing.written_at != nullptr) (*pacing.written_at)[i] = std::chrono::steady_clock::now();
      std::size_t done = 0;
      while (done < pieces[i].size()) {
        const ssize_t put = ::write(ends[1], pieces[i].data() + done, pieces[i].size() - done);
        if (put <= 0) std::abort();
        done += static_cast<std::size_t>(put);
      }
    }
    ::close(ends[1]);
  });
  ReadOutcome outcome;
  try {
    outcome = read_named("/dev/fd/" + std::to_string(ends[0]), handler, limits);
  } catch (...) {
    writer.join();
    ::close(ends[0]);
    throw;
  }
  writer.join();
  ::close(ends[0]);
  return outcome;
}

// `bytes` cut into pieces at the given offsets (sorted, inside the text).
inline std::vector<std::string> cut_at(const std::string& bytes, std::vector<std::size_t> cuts) {
  std::vector<std::string> pieces;
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    pieces.push_back(bytes.substr(from, cut - from));
    from = cut;
  }
  pieces.push_back(bytes.substr(from));
  return pieces;
}

}  // namespace pkgly_trail::input_testing
