#include <catch2/catch.hpp>

#include "pkgly_trail/filter/filter.hpp"
#include "pkgly_trail/record/log_time.hpp"

using namespace pkgly_trail;

namespace {
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kLogged = 1763633730369463;        // 2025-11-20T10:15:30.369463Z
constexpr std::int64_t kMidnight = 1763596800 * kSecond;  // 2025-11-20T00:00:00Z
}  // namespace

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
