// --since/--until: the forms a person types (record/log_time does the RFC 3339 part).
#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>
#include <string_view>

#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail {

std::optional<std::int64_t> parse_duration(std::string_view text) noexcept {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = kMicrosPerSecond;
      break;
    case 'm':
      unit = 60 * kMicrosPerSecond;
      break;
    case 'h':
      unit = 3600 * kMicrosPerSecond;
      break;
    case 'd':
      unit = kSecondsPerDay * kMicrosPerSecond;
      break;
    case 'w':
      unit = 7 * kSecondsPerDay * kMicrosPerSecond;
      break;
    default:
      return std::nullopt;
  }
  std::int64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    count = count * 10 + (c - '0');
    if (count > std::numeric_limits<std::int64_t>::max() / unit) return std::nullopt;
  }
  return count * unit;
}

std::optional<std::int64_t> parse_time_option(std::string_view text, std::int64_t now_us) {
  if (text == "now") return now_us;
  if (text == "today" || text == "yesterday") {
    // Local midnight, today or the day before.
    std::time_t now = static_cast<std::time_t>(now_us / kMicrosPerSecond);
    std::tm local{};
    if (localtime_r(&now, &local) == nullptr) return std::nullopt;
    local.tm_hour = local.tm_min = local.tm_sec = 0;
    if (text == "yesterday") local.tm_mday -= 1;
    local.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&local)) * kMicrosPerSecond;
  }
  if (auto ago = parse_duration(text)) {
    if (now_us < std::numeric_limits<std::int64_t>::min() + *ago) return std::nullopt;
    return now_us - *ago;
  }
  return parse_date_time(
      text, TimeSyntax{.date_only_allowed = true, .seconds_optional = true, .zone_optional = true});
}

}  // namespace pkgly_trail
