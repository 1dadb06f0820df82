#include "pkgly_trail/hunt/local_clock.hpp"

#include <ctime>

namespace pkgly_trail::hunt {

namespace {

constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

std::optional<LocalClock::Reading> LocalClock::read(std::int64_t micros) {
  const std::int64_t seconds = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  // Every zone offset in use is a multiple of 15 minutes, so a local hour never straddles a
  // UTC quarter hour: one localtime_r per quarter hour of log time is exact.
  const std::int64_t quarter = seconds - ((seconds % 900) + 900) % 900;
  if (quarter != quarter_start_) {
    const std::time_t t = static_cast<std::time_t>(quarter);
    std::tm parts{};
    if (localtime_r(&t, &parts) == nullptr) return std::nullopt;
    cached_ = Reading{parts.tm_hour, kWeekdays[parts.tm_wday]};
    quarter_start_ = quarter;
  }
  return cached_;
}

}  // namespace pkgly_trail::hunt
