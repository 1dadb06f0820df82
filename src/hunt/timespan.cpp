#include "timespan.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace pkgly_trail::hunt {

std::optional<std::int64_t> parse_timespan(std::string_view text, std::string& error) {
  constexpr std::string_view kForm = "a whole number and a unit: s, m, h or d, as in 30s, 5m, 1h";
  if (text.empty()) {
    error = fmt::format("timespan is empty: write {}", kForm);
    return std::nullopt;
  }
  const char unit = text.back();
  std::int64_t unit_us = 0;
  switch (unit) {
    case 's':
      unit_us = 1'000'000;
      break;
    case 'm':
      unit_us = 60'000'000;
      break;
    case 'h':
      unit_us = 3'600'000'000;
      break;
    case 'd':
      unit_us = 86'400'000'000;
      break;
    case 'w':
    case 'M':
    case 'y':
      error = fmt::format(
          "timespan '{}': the unit '{}' is not supported (units: s, m, h, d; a "
          "week is 7d)",
          text, unit);
      return std::nullopt;
    default:
      error = fmt::format("timespan '{}' is not {}", text, kForm);
      return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (digits.empty() || digits.front() == '-' || end != digits.data() + digits.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    error = fmt::format("timespan '{}' is not {}", text, kForm);
    return std::nullopt;
  }
  if (count == 0) {
    error = fmt::format("timespan '{}' must be longer than zero", text);
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range ||
      count > std::numeric_limits<std::int64_t>::max() / unit_us) {
    error = fmt::format("timespan '{}' is too long", text);
    return std::nullopt;
  }
  return count * unit_us;
}

}  // namespace pkgly_trail::hunt
