#include <catch2/catch.hpp>

#include "pkgly_trail/filter/filter.hpp"

using namespace pkgly_trail;

namespace {
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kLogged = 1763633730369463;        // 2025-11-20T10:15:30.369463Z
constexpr std::int64_t kMidnight = 1763596800 * kSecond;  // 2025-11-20T00:00:00Z
}  // namespace

TEST_CASE("parse_log_time reads tracing timestamps as microseconds since the epoch") {
  CHECK(parse_log_time("2025-11-20T10:15:30.369463Z") == kLogged);
  CHECK(parse_log_time("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_log_time("1969-12-31T23:59:59Z") == -kSecond);
  CHECK(parse_log_time("2000-01-01T00:00:00Z") == 946684800 * kSecond);
  CHECK(parse_log_time("2024-02-29T12:00:00Z") == 1709208000 * kSecond);
}

TEST_CASE("parse_log_time fractions have 0 to 9 digits - finer than a microsecond truncated") {
  const std::int64_t base = 1763633730 * kSecond;
  CHECK(parse_log_time("2025-11-20T10:15:30Z") == base);
  CHECK(parse_log_time("2025-11-20T10:15:30.3Z") == base + 300000);
  CHECK(parse_log_time("2025-11-20T10:15:30.369Z") == base + 369000);
  CHECK(parse_log_time("2025-11-20T10:15:30.123456789Z") == base + 123456);
  CHECK_FALSE(parse_log_time("2025-11-20T10:15:30.Z"));
  CHECK_FALSE(parse_log_time("2025-11-20T10:15:30.1234567890Z"));
}

TEST_CASE("parse_log_time accepts offsets - a space separator and lowercase letters") {
  CHECK(parse_log_time("2025-11-20T10:15:30.369463+00:00") == kLogged);
  CHECK(parse_log_time("2025-11-20T05:15:30.369463-05:00") == kLogged);
  CHECK(parse_log_time("2025-11-20T11:45:30.369463+01:30") == kLogged);
  CHECK(parse_log_time("2025-11-20 10:15:30.369463Z") == kLogged);
  CHECK(parse_log_time("2025-11-20t10:15:30.369463z") == kLogged);
}

TEST_CASE("parse_log_time rejects anything that is not a complete RFC 3339 time") {
  for (const char* bad : {"", "2025-11-20", "2025-11-20T10:15:30", "2025-11-20T10:15Z",
                          "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2025-04-31T00:00:00Z", "2025-11-20T24:00:00Z", "2025-11-20T10:60:00Z",
                          "2025-11-20T10:15:30ZZ", "2025-11-20T10:15:30+0100",
                          "2025-11-20T10:15:30+24:00", "25-11-20T10:15:30Z", "2025/11/20T10:15:30Z",
                          "2025-11-20X10:15:30Z", " 2025-11-20T10:15:30Z", "2025-1-20T10:15:30Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_log_time(bad));
  }
}

TEST_CASE("parse_time_option accepts RFC 3339 - dates and date-times without seconds") {
  const std::int64_t now = kLogged;
  CHECK(parse_time_option("2025-11-20T10:15:30.369463Z", now) == kLogged);
  CHECK(parse_time_option("2025-11-20T10:15:30+01:00", now) == (1763633730 - 3600) * kSecond);
  CHECK(parse_time_option("2025-11-20", now) == kMidnight);
  CHECK(parse_time_option("2025-11-20 10:00", now) == kMidnight + 10 * 3600 * kSecond);
  CHECK(parse_time_option("2025-11-20T10:00", now) == kMidnight + 10 * 3600 * kSecond);
  CHECK(parse_time_option("2025-11-20T10:00:05", now) == kMidnight + (36000 + 5) * kSecond);
}

TEST_CASE("parse_time_option durations count back from now") {
  const std::int64_t now = kLogged;
  CHECK(parse_time_option("90s", now) == now - 90 * kSecond);
  CHECK(parse_time_option("30m", now) == now - 30 * 60 * kSecond);
  CHECK(parse_time_option("2h", now) == now - 2 * 3600 * kSecond);
  CHECK(parse_time_option("7d", now) == now - 7 * 86400 * kSecond);
  CHECK(parse_time_option("1w", now) == now - 7 * 86400 * kSecond);
  CHECK(parse_time_option("0s", now) == now);
}

TEST_CASE("parse_time_option rejects everything else") {
  for (const char* bad : {"", "5", "m", "5x", "-5m", "5 m", "1.5h", "last-tuesday", "2025-11-20T",
                          "2025-11-20T10", "2025-11-32", "99999999999999999999w", "2025-11-20Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_time_option(bad, kLogged));
  }
}

TEST_CASE("glob_match: literals and the wildcards * and ?") {
  CHECK(glob_match("package.download", "package.download"));
  CHECK_FALSE(glob_match("package.download", "package.downloads"));
  CHECK_FALSE(glob_match("package.download", "package.downloa"));
  CHECK(glob_match("package.*", "package.upload"));
  CHECK(glob_match("package.*", "package."));
  CHECK_FALSE(glob_match("package.*", "package"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "x"));
  CHECK(glob_match("*.read_*", "package.read_metadata"));
  CHECK(glob_match("/v2/*/manifests/*", "/v2/library/alpine/manifests/latest"));
  CHECK_FALSE(glob_match("/v2/*/manifests/*", "/v2/library/alpine/blobs/sha256"));
  CHECK(glob_match("user.?ogin", "user.login"));
  CHECK_FALSE(glob_match("user.?ogin", "user.ogin"));
  CHECK(glob_match("a*b*c", "aXXbYYbZZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYYbZZ"));
  CHECK(glob_match("**x", "abx"));
  CHECK(glob_match("*ab", "aab"));  // the star has to give back what it swallowed
}

TEST_CASE("glob_match: bracket expressions") {
  CHECK(glob_match("v[12]", "v1"));
  CHECK_FALSE(glob_match("v[12]", "v3"));
  CHECK(glob_match("[a-c]x", "bx"));
  CHECK_FALSE(glob_match("[a-c]x", "dx"));
  CHECK(glob_match("[!x]", "y"));
  CHECK_FALSE(glob_match("[!x]", "x"));
  CHECK(glob_match("[^x]", "y"));
  CHECK(glob_match("[]]", "]"));
  CHECK(glob_match("[!]]", "a"));
  CHECK_FALSE(glob_match("[!]]", "]"));
  CHECK(glob_match("[a-]", "-"));  // a trailing '-' is a member
  CHECK(glob_match("[*?]", "*"));  // no wildcards inside brackets
  CHECK_FALSE(glob_match("[*?]", "a"));
  CHECK(glob_match("a[", "a["));  // unterminated: a literal '['
  CHECK_FALSE(glob_match("a[b", "ab"));
  CHECK(glob_match("*[0-9]", "release-7"));
  CHECK_FALSE(glob_match("*[0-9]", "release-x"));
  CHECK(glob_match("[\xc3]*", "\xc3\xa9"));  // bytes, not characters
}

TEST_CASE("glob_match does not backtrack exponentially") {
  const std::string text(10000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
  CHECK_FALSE(glob_match(pattern, text));
  CHECK(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", text));
}

namespace pkgly_trail {

TEST_CASE("times without a zone are local time and today or yesterday mean local midnight",
          "[filter][time][local]") {
  const char* saved = std::getenv("TZ");
  std::string previous = saved ? saved : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  auto utc = [](std::string_view t) { return *parse_log_time(t); };
  CHECK(parse_time_option("2025-11-20 10:00", 0) == utc("2025-11-20T15:00:00Z"));
  CHECK(parse_time_option("2025-07-20T10:00", 0) == utc("2025-07-20T14:00:00Z"));  // DST
  CHECK(parse_time_option("2025-11-20", 0) == utc("2025-11-20T05:00:00Z"));
  CHECK(parse_time_option("2025-11-20 10:00Z", 0) == utc("2025-11-20T10:00:00Z"));
  const std::int64_t now = utc("2025-11-20T03:00:00Z");  // still the 19th in New York
  CHECK(parse_time_option("today", now) == utc("2025-11-19T05:00:00Z"));
  CHECK(parse_time_option("yesterday", now) == utc("2025-11-18T05:00:00Z"));
  CHECK(parse_time_option("now", now) == now);
  if (saved) {
    setenv("TZ", previous.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

}  // namespace pkgly_trail
