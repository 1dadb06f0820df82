#pragma once
// Private to the sink stage: a record's time as text output shows it (--utc, --local).
#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

class DisplayTime {
 public:
  explicit DisplayTime(TimeDisplay mode) : mode_(mode) {}
  TimeDisplay mode() const noexcept { return mode_; }

  // Appends `timestamp` converted as asked (RFC 3339, microseconds: 2025-11-20T10:15:30.369463Z
  // or 2025-11-20T11:15:30.369463+01:00) and returns its length. A timestamp that cannot be
  // placed in time (no zone, garbage) is appended as logged, made terminal-safe.
  std::size_t append(fmt::memory_buffer& out, std::string_view timestamp);

 private:
  TimeDisplay mode_;
  // Records arrive many per second: the date, time and offset of the last second are reused,
  // so localtime_r (which takes a lock and may consult TZ) runs once per second of log time.
  std::int64_t cached_second_ = INT64_MIN;
  char cached_[32] = {};      // "YYYY-MM-DDTHH:MM:SS"
  char cached_zone_[8] = {};  // "Z" or "+01:00"
};

}  // namespace pkgly_trail
