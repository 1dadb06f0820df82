#include "display_time.hpp"

#include <ctime>

#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/sink/terminal_text.hpp"

namespace pkgly_trail {

std::size_t DisplayTime::append(fmt::memory_buffer& out, std::string_view timestamp) {
  const std::optional<std::int64_t> micros =
      mode_ == TimeDisplay::AsLogged ? std::nullopt : parse_log_time(timestamp);
  if (!micros) return append_terminal_safe(out, timestamp);
  std::int64_t second = *micros / 1'000'000;
  std::int64_t fraction = *micros % 1'000'000;
  if (fraction < 0) {  // before 1970: floor, not truncate
    fraction += 1'000'000;
    --second;
  }
  if (second != cached_second_) {
    const std::time_t t = static_cast<std::time_t>(second);
    std::tm parts{};
    const bool ok = mode_ == TimeDisplay::Utc ? gmtime_r(&t, &parts) != nullptr
                                              : localtime_r(&t, &parts) != nullptr;
    if (!ok) return append_terminal_safe(out, timestamp);
    fmt::format_to_n(cached_, sizeof cached_ - 1, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                     parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                     parts.tm_min, parts.tm_sec);
    const long offset = mode_ == TimeDisplay::Utc ? 0 : parts.tm_gmtoff;
    if (offset == 0 && mode_ == TimeDisplay::Utc) {
      *fmt::format_to_n(cached_zone_, sizeof cached_zone_ - 1, "Z").out = '\0';
    } else {
      const long minutes = (offset < 0 ? -offset : offset) / 60;
      *fmt::format_to_n(cached_zone_, sizeof cached_zone_ - 1, "{}{:02}:{:02}",
                        offset < 0 ? '-' : '+', minutes / 60, minutes % 60)
           .out = '\0';
    }
    cached_second_ = second;
  }
  const std::size_t before = out.size();
  out.append(std::string_view(cached_, 19));
  fmt::format_to(std::back_inserter(out), ".{:06}{}", fraction, std::string_view(cached_zone_));
  return out.size() - before;
}

}  // namespace pkgly_trail
