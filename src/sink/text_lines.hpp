#pragma once
// Private to the sink stage: how one record looks as a line of text.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "display_time.hpp"
#include "pkgly_trail/record/record.hpp"
#include "pkgly_trail/record/sgr.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

inline constexpr std::string_view kColorReset = sgr::kReset;

class TextLines {
 public:
  explicit TextLines(const SinkOptions& options)
      : color_(options.color), width_(options.width), time_(options.time) {}
  bool color() const noexcept { return color_; }
  // The colour of a level, or nothing when colours are off.
  std::string_view level_color(Level level) const noexcept;

  // A value made terminal-safe and padded to `width`; `-` when empty.
  void cell(fmt::memory_buffer& line, std::string_view text, std::size_t width = 0,
            std::string_view color = {}) const;
  // <timestamp> <outcome> <action> <actor> <method> <url_path> <status> [key=value ...]
  void audit(fmt::memory_buffer& line, const Record& record) const;
  // <timestamp> <LEVEL> <span:span> <target>: <message> k=v ...
  void event(fmt::memory_buffer& line, const Record& record) const;
  // The values of `columns`, two spaces apart.
  void columns(fmt::memory_buffer& line, const Record& record,
               const std::vector<std::string>& columns) const;
  // A record time as --utc/--local ask, padded to `width`.
  void time(fmt::memory_buffer& line, std::string_view timestamp, std::size_t width = 0) const;
  // Ends the line being written (everything after the buffer's last '\n'): cut to the terminal
  // width unless --wide, then '\n'.
  void end_line(fmt::memory_buffer& line) const;

 private:
  bool color_;
  std::size_t width_;
  mutable DisplayTime time_;  // caches the last second it formatted
};

}  // namespace pkgly_trail
