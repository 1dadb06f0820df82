#pragma once
// The one RFC 3339 scanner: where a time starts a line (envelope, parsers), what a record's
// time is on the UTC axis (correlate, merge, sinks, report), and the looser forms a person
// types (the filter's --since/--until). No allocation, no timegm (locale- and TZ-dependent).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pkgly_trail {

// Length of an RFC 3339 time at the start of `text` (`2025-11-20T10:15:30.369463Z`, or with an
// offset such as `+01:00`), 0 when there is none. The shape only: the digits are not checked
// against the calendar.
std::size_t rfc3339_length(std::string_view text) noexcept;

// Microseconds since the Unix epoch of an RFC 3339 time with its zone, as tracing writes a
// record's timestamp; anything finer than a microsecond is truncated. A time without a zone
// cannot be placed on the UTC axis and is refused.
std::optional<std::int64_t> parse_log_time(std::string_view timestamp) noexcept;

// What else a person may type for a time (--since/--until).
struct TimeSyntax {
  bool date_only_allowed = false;  // "2025-11-20" = local midnight
  bool seconds_optional = false;   // "2025-11-20T10:00"
  bool zone_optional = false;      // no zone = the local time zone (TZ)
};
std::optional<std::int64_t> parse_date_time(std::string_view text, TimeSyntax syntax) noexcept;

// A time as text on the UTC axis: `2026-11-01T00:00:00Z`, with microseconds when it has some
// (a report's scope, an alert's first and last event).
std::string utc_time_text(std::int64_t time_us);

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kSecondsPerDay = 86'400;

}  // namespace pkgly_trail
