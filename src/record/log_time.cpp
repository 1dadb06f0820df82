#include "pkgly_trail/record/log_time.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace pkgly_trail {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) noexcept : text_(text) {}
  bool done() const noexcept { return pos_ == text_.size(); }
  char peek() const noexcept { return done() ? '\0' : text_[pos_]; }
  bool consume(char c) noexcept {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
  }
  // Exactly `count` decimal digits.
  bool digits(int count, unsigned& out) noexcept {
    out = 0;
    for (int i = 0; i < count; ++i) {
      const char c = peek();
      if (done() || c < '0' || c > '9') return false;
      out = out * 10 + static_cast<unsigned>(c - '0');
      ++pos_;
    }
    return true;
  }
  std::string_view rest() const noexcept { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Seconds since the epoch of a wall-clock time in the local time zone, DST included.
std::optional<std::int64_t> local_to_epoch(unsigned year, unsigned month, unsigned day,
                                           unsigned hour, unsigned minute,
                                           unsigned second) noexcept {
  std::tm local{};
  local.tm_year = static_cast<int>(year) - 1900;
  local.tm_mon = static_cast<int>(month) - 1;
  local.tm_mday = static_cast<int>(day);
  local.tm_hour = static_cast<int>(hour);
  local.tm_min = static_cast<int>(minute);
  local.tm_sec = static_cast<int>(second);
  local.tm_isdst = -1;
  const std::time_t t = std::mktime(&local);
  if (t == static_cast<std::time_t>(-1) && !(year == 1969 && month == 12 && day == 31))
    return std::nullopt;
  return static_cast<std::int64_t>(t);
}

}  // namespace

std::size_t rfc3339_length(std::string_view text) noexcept {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size() + 1) return 0;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(text[i]) : text[i] != kShape[i]) return 0;
  }
  std::size_t pos = kShape.size();
  if (text[pos] == '.') {
    const std::size_t digits = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == digits) return 0;
  }
  if (pos < text.size() && text[pos] == 'Z') return pos + 1;
  constexpr std::string_view kOffset = "+dd:dd";
  if (text.size() - pos < kOffset.size() || (text[pos] != '+' && text[pos] != '-')) return 0;
  for (std::size_t i = 1; i < kOffset.size(); ++i) {
    if (kOffset[i] == 'd' ? !is_digit(text[pos + i]) : text[pos + i] != kOffset[i]) return 0;
  }
  return pos + kOffset.size();
}

std::optional<std::int64_t> parse_date_time(std::string_view text, TimeSyntax syntax) noexcept {
  Cursor in(text);
  unsigned year = 0, month = 0, day = 0;
  if (!in.digits(4, year) || !in.consume('-') || !in.digits(2, month) || !in.consume('-') ||
      !in.digits(2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  const std::int64_t midnight = days_from_civil(year, month, day) * kSecondsPerDay;
  if (in.done()) {
    if (!syntax.date_only_allowed) return std::nullopt;
    auto local = local_to_epoch(year, month, day, 0, 0, 0);
    if (!local) return std::nullopt;
    return *local * kMicrosPerSecond;
  }
  if (!in.consume('T') && !in.consume('t') && !in.consume(' ')) return std::nullopt;

  unsigned hour = 0, minute = 0, second = 0;
  if (!in.digits(2, hour) || !in.consume(':') || !in.digits(2, minute)) return std::nullopt;
  std::int64_t micros = 0;
  if (in.consume(':')) {
    if (!in.digits(2, second)) return std::nullopt;
    if (in.consume('.')) {
      // 1 to 9 digits; anything finer than a microsecond is truncated.
      int count = 0;
      for (char c = in.peek(); !in.done() && c >= '0' && c <= '9'; c = in.peek()) {
        if (++count > 9) return std::nullopt;
        if (count <= 6) micros = micros * 10 + (c - '0');
        in.consume(c);
      }
      if (count == 0) return std::nullopt;
      for (int i = count; i < 6; ++i) micros *= 10;
    }
  } else if (!syntax.seconds_optional) {
    return std::nullopt;
  }
  // 60 is a leap second in RFC 3339; it simply lands on the next minute.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  std::int64_t offset_seconds = 0;
  if (in.consume('Z') || in.consume('z')) {
  } else if (in.peek() == '+' || in.peek() == '-') {
    const bool behind = in.peek() == '-';
    in.consume(in.peek());
    unsigned off_hour = 0, off_minute = 0;
    if (!in.digits(2, off_hour) || !in.consume(':') || !in.digits(2, off_minute)) {
      return std::nullopt;
    }
    if (off_hour > 23 || off_minute > 59) return std::nullopt;
    offset_seconds = static_cast<std::int64_t>(off_hour * 3600 + off_minute * 60);
    if (behind) offset_seconds = -offset_seconds;
  } else if (in.done() && syntax.zone_optional) {
    auto local = local_to_epoch(year, month, day, hour, minute, second);
    if (!local) return std::nullopt;
    return *local * kMicrosPerSecond + micros;
  } else {
    return std::nullopt;
  }
  if (!in.done()) return std::nullopt;

  const std::int64_t seconds = midnight + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

std::optional<std::int64_t> parse_log_time(std::string_view timestamp) noexcept {
  return parse_date_time(timestamp, TimeSyntax{});
}

std::string utc_time_text(std::int64_t time_us) {
  using namespace std::chrono;
  const sys_time<microseconds> at{microseconds{time_us}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss clock{floor<microseconds>(at - day)};
  std::string text =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  clock.hours().count(), clock.minutes().count(), clock.seconds().count());
  if (clock.subseconds().count() != 0) text += fmt::format(".{:06}", clock.subseconds().count());
  text.push_back('Z');
  return text;
}

}  // namespace pkgly_trail
