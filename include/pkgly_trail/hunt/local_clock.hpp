#pragma once
// hunt's local_hour and local_weekday fields (docs/hunt.md): the wall clock of an event.
#include <cstdint>
#include <optional>
#include <string_view>

namespace pkgly_trail::hunt {

// The local wall-clock hour and weekday of an event time, in the time zone of the process
// (TZ). localtime_r runs once per quarter hour of log time.
class LocalClock {
 public:
  struct Reading {
    int hour = 0;              // 0-23
    std::string_view weekday;  // Mon ... Sun
  };
  std::optional<Reading> read(std::int64_t micros);

 private:
  std::int64_t quarter_start_ = INT64_MIN;  // UTC seconds of the quarter hour cached
  Reading cached_;
};

}  // namespace pkgly_trail::hunt
