#pragma once
// The progress line on stderr for long runs over files: bytes read, speed, records, matches,
// and the time left when the total size is known. It rewrites itself in place (\r, erase to
// the end of line) a few times a second and is erased when the run ends, so the terminal is
// left as clean as without it.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pkgly_trail::cli {

struct ProgressCounts {
  std::uint64_t bytes = 0;    // input bytes consumed (compressed bytes for gzip files)
  std::uint64_t records = 0;  // records read
  std::uint64_t matches = 0;  // records or events printed so far
};

class ProgressLine {
 public:
  // Disabled, it does nothing at all. `total_bytes` 0 = unknown (stdin): no percentage or ETA.
  ProgressLine(bool enabled, std::uint64_t total_bytes, int fd = 2);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const noexcept { return enabled_; }
  // Cheap enough to call every few thousand lines: looks at the clock, redraws at most every
  // kInterval.
  void update(const ProgressCounts& counts);
  // Removes the line, before something else is written to stderr and at the end.
  void erase();

  // The text of the line, without the terminal controls (for tests).
  static std::string describe(const ProgressCounts& counts, std::uint64_t total_bytes,
                              double seconds);

  static constexpr std::chrono::milliseconds kInterval{250};

 private:
  void draw(const ProgressCounts& counts, std::chrono::steady_clock::time_point now);

  bool enabled_;
  std::uint64_t total_bytes_;
  int fd_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  fmt::memory_buffer line_;
};

// The sum of the sizes of the regular files among `inputs`; 0 when one is stdin or a pipe (the
// total is unknown then).
std::uint64_t total_input_bytes(const std::vector<std::string>& inputs);

}  // namespace pkgly_trail::cli
